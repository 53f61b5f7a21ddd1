package dev.mik.openapi;

/**
 * How a module's names read in the merged document: its paths re-rooted under {@code /run/<module>}, its components,
 * security schemes and operation ids prefixed {@code <module>.}, its tags {@code <module>/<tag>}. Module names have no
 * dot, slash or colon, so no two modules' names meet, and none meets one of mik's own (no dot, tags {@code mik: …}).
 */
record ModuleNames(String module) implements Names {

    /** {@code /} becomes {@code /run/<module>}; {@code /items} becomes {@code /run/<module>/items}. */
    String path(String path) {
        return "/run/" + module + (path.equals("/") ? "" : path);
    }

    String component(String name) {
        return module + "." + name;
    }

    @Override
    public String ref(String ref) throws InvalidDescriptionException {
        LocalRef local = LocalRef.parse(ref);
        if (local == null || local.tokens().size() < 2) {
            throw new InvalidDescriptionException("The reference '" + DescriptionRules.quote(ref)
                    + "' is not inside the description.");
        }
        LocalRef renamed = local.tokens().get(0).equals("paths") ? local.with(1, path(local.tokens().get(1)))
                : local.with(2, component(local.tokens().get(2)));
        return renamed.toString();
    }

    @Override
    public String schema(String name) {
        return component(name);
    }

    @Override
    public String securityScheme(String name) {
        return component(name);
    }

    @Override
    public String operationId(String id) {
        return component(id);
    }

    @Override
    public String tag(String tag) {
        return module + "/" + tag;
    }
}
