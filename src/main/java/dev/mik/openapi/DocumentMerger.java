package dev.mik.openapi;

import dev.mik.json.Jsonp;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * One OpenAPI document of mik's own endpoints and every module's paths under {@code /run/<module>}. mik's entries go
 * in first and a module's entry is added only under a name nobody holds ({@link ModuleNames} makes the names
 * disjoint), so no module can change or remove mik's entries or another module's. Modules are merged in the order of
 * their names, so the same files always give the same document.
 */
final class DocumentMerger {

    private static final Logger LOG = Logger.getLogger(DocumentMerger.class.getName());

    private DocumentMerger() {
    }

    static JsonObject merge(JsonObject own, List<ModuleDocument> modules) {
        Map<String, JsonValue> paths = new LinkedHashMap<>(own.getJsonObject("paths"));
        Map<String, Map<String, JsonValue>> components = new LinkedHashMap<>();
        own.getJsonObject("components").forEach((section, entries) ->
                components.put(section, new LinkedHashMap<>(entries.asJsonObject())));
        Map<String, JsonValue> tags = new LinkedHashMap<>();
        own.getJsonArray("tags").forEach(tag -> tags.put(tag.asJsonObject().getString("name"), tag));
        JsonObjectBuilder statuses = Jsonp.objectBuilder();
        for (ModuleDocument module : modules.stream().sorted(Comparator.comparing(ModuleDocument::name)).toList()) {
            DescriptionStatus status = module.status();
            if (module.document() != null) {
                try {
                    add(module.name(), module.document(), paths, components, tags);
                } catch (InvalidDescriptionException e) {
                    LOG.warning(() -> "The OpenAPI description of module '" + module.name() + "' was left out of the"
                            + " merged document: " + e.getMessage());
                    status = DescriptionStatus.INVALID;
                }
            }
            statuses.add(module.name(), status.label());
        }
        JsonObjectBuilder merged = Jsonp.objectBuilder();
        own.forEach((key, value) -> {
            if (!key.equals("paths") && !key.equals("components") && !key.equals("tags")) {
                merged.add(key, value);
            }
        });
        JsonObjectBuilder mergedComponents = Jsonp.objectBuilder();
        components.forEach((section, entries) -> mergedComponents.add(section, object(entries)));
        return merged.add("paths", object(paths))
                .add("components", mergedComponents)
                .add("tags", array(tags))
                .add("x-mik-modules", statuses)
                .build();
    }

    /** Adds one module, all or nothing: its entries are gathered first and added only when all of them were made. */
    private static void add(String module, JsonObject document, Map<String, JsonValue> paths,
            Map<String, Map<String, JsonValue>> components, Map<String, JsonValue> tags)
            throws InvalidDescriptionException {
        ModuleNames names = new ModuleNames(module);
        NameWalk walk = new NameWalk(names);
        JsonArray security = document.get("security") instanceof JsonArray requirements
                ? walk.security(requirements).asJsonArray() : null;
        Map<String, JsonValue> modulePaths = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> path : document.getJsonObject("paths").entrySet()) {
            modulePaths.put(names.path(path.getKey()), operations(module, walk.keywords(path.getValue()), security));
        }
        Map<String, Map<String, JsonValue>> moduleComponents = new LinkedHashMap<>();
        if (document.get("components") instanceof JsonObject sections) {
            for (String section : OpenApiShape.SECTIONS) {
                if (sections.get(section) instanceof JsonObject entries) {
                    Map<String, JsonValue> renamed =
                            moduleComponents.computeIfAbsent(section, s -> new LinkedHashMap<>());
                    for (Map.Entry<String, JsonValue> entry : entries.entrySet()) {
                        renamed.put(names.component(entry.getKey()), walk.keywords(entry.getValue()));
                    }
                }
            }
        }
        modulePaths.forEach(paths::putIfAbsent);
        moduleComponents.forEach((section, entries) ->
                entries.forEach(components.computeIfAbsent(section, s -> new LinkedHashMap<>())::putIfAbsent));
        tags.putIfAbsent(module, Jsonp.objectBuilder().add("name", module)
                .add("description", "Module " + module + (title(document) == null ? "" : ": " + title(document)))
                .build());
        if (document.get("tags") instanceof JsonArray moduleTags) {
            for (JsonValue tag : moduleTags) {
                JsonObjectBuilder renamed = Jsonp.objectBuilder();
                tag.asJsonObject().forEach((key, value) -> renamed.add(key, key.equals("name")
                        ? Jsonp.value(names.tag(((JsonString) value).getString())) : value));
                JsonObject built = renamed.build();
                tags.putIfAbsent(built.getString("name"), built);
            }
        }
    }

    /**
     * The module's operations as the merged document shows them: tagged with the module's name when they have no tag,
     * and carrying the module's top-level security (which applied to them in its own document) unless they set theirs.
     */
    private static JsonValue operations(String module, JsonValue pathItem, JsonArray security) {
        if (pathItem.getValueType() != JsonValue.ValueType.OBJECT) {
            return pathItem;
        }
        JsonObjectBuilder copy = Jsonp.objectBuilder();
        pathItem.asJsonObject().forEach((key, value) -> {
            if (OpenApiShape.METHODS.contains(key) && value instanceof JsonObject operation) {
                JsonObjectBuilder completed = Jsonp.objectBuilder();
                operation.forEach(completed::add);
                if (!operation.containsKey("tags")) {
                    completed.add("tags", Jsonp.arrayBuilder().add(module));
                }
                if (security != null && !operation.containsKey("security")) {
                    completed.add("security", security);
                }
                copy.add(key, completed);
            } else {
                copy.add(key, value);
            }
        });
        return copy.build();
    }

    private static String title(JsonObject document) {
        return document.get("info") instanceof JsonObject info && info.get("title") instanceof JsonString title
                ? title.getString() : null;
    }

    private static JsonObject object(Map<String, JsonValue> members) {
        JsonObjectBuilder object = Jsonp.objectBuilder();
        members.forEach(object::add);
        return object.build();
    }

    private static JsonArray array(Map<String, JsonValue> tags) {
        JsonArrayBuilder array = Jsonp.arrayBuilder();
        tags.values().forEach(array::add);
        return array.build();
    }
}
