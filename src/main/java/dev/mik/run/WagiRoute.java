package dev.mik.run;

/**
 * One route of a module, relative to {@code /run/<module>}: an exact path, or a prefix ({@code /path/...} in WAGI's
 * notation) that matches the path itself and everything below it, and the export that answers it.
 *
 * @param path     the raw (still percent-encoded) path below the module, {@code ""} for the module itself
 * @param wildcard whether the route is a prefix
 * @param export   the exported function that runs for it
 */
public record WagiRoute(String path, boolean wildcard, String export) {

    /** WAGI's entry point of a command module. */
    public static final String START = "_start";
    /** How a route's text marks a prefix. */
    static final String WILDCARD_SUFFIX = "/...";

    /** Whether {@code rawPath} (the raw path after {@code /run/<module>}) is this route's. */
    public boolean matches(String rawPath) {
        if (!wildcard) {
            return rawPath.equals(path);
        }
        return rawPath.equals(path) || rawPath.startsWith(path) && rawPath.startsWith("/", path.length());
    }

    /** The route as WAGI writes it: the path, with {@code /...} after a prefix. */
    public String text() {
        return wildcard ? path + WILDCARD_SUFFIX : path;
    }

    /** What of {@code rawPath} lies below the route: {@code ""} at the route itself, {@code /x} below a prefix. */
    String rest(String rawPath) {
        return rawPath.substring(path.length());
    }
}
