package dev.mik.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The routes of one module version. A module without {@code _routes} has one: {@code /...} (all of
 * {@code /run/<module>} and below) runs {@code _start}. A module that exports {@code _routes} has what that function
 * printed, one {@code <path> <export>} line each, below the module's own path, which still runs {@code _start}; a
 * request matching none of them is not the module's. The longest matching route wins, and at equal length an exact
 * route wins over a prefix.
 */
public final class WagiRoutes {

    /** The export a module implements to declare its routes. */
    public static final String ROUTES_EXPORT = "_routes";
    /** Most routes one module may declare. */
    public static final int MAX_ROUTES = 256;
    /** Longest route path, in characters. */
    public static final int MAX_PATH_CHARS = 1024;

    /** A module without {@code _routes}: everything below {@code /run/<module>} runs {@code _start}. */
    public static final WagiRoutes WHOLE_MODULE = new WagiRoutes(List.of(new WagiRoute("", true, WagiRoute.START)));

    private final List<WagiRoute> longestFirst;

    private WagiRoutes(List<WagiRoute> routes) {
        this.longestFirst = routes.stream()
                .sorted(Comparator.comparingInt((WagiRoute route) -> route.path().length()).reversed()
                        .thenComparing(WagiRoute::wildcard))
                .toList();
    }

    /** The routes, longest first (the order in which they are tried). */
    public List<WagiRoute> routes() {
        return longestFirst;
    }

    /**
     * The routes the module's {@code _routes} declared, as {@code <route> <export>} in the order they are tried, or
     * null when it declares none (then everything below {@code /run/<module>} runs {@code _start}).
     */
    public List<String> declared() {
        List<String> declared = longestFirst.stream().filter(route -> !route.path().isEmpty())
                .map(route -> route.text() + " " + route.export()).toList();
        return declared.isEmpty() ? null : declared;
    }

    /** The route that answers {@code rawPath} (the raw path after {@code /run/<module>}), if any. */
    public Optional<WagiRoute> match(String rawPath) {
        for (WagiRoute route : longestFirst) {
            if (route.matches(rawPath)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    /**
     * Reads what a module's {@code _routes} printed: lines of {@code <path> <export>} separated by blanks, blank
     * lines ignored.
     *
     * @param isExport whether a name is an export the module can run for a request (a function of no parameters
     *                 and no results)
     * @throws InvalidRoutesException naming the first bad line: not two words, a path that is not an absolute path
     *                                of visible ASCII, a route given twice, an export the module does not have, or
     *                                more than {@value #MAX_ROUTES} routes or none
     */
    public static WagiRoutes parse(String printed, Predicate<String> isExport) {
        List<WagiRoute> routes = new ArrayList<>();
        routes.add(new WagiRoute("", false, WagiRoute.START));
        Map<String, Integer> seen = new HashMap<>();
        String[] lines = printed.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            String where = "line " + (i + 1) + " '" + abbreviate(line) + "'";
            String[] words = line.trim().split("[ \t]+");
            if (words.length != 2) {
                throw new InvalidRoutesException(where + " is not '<path> <export>'");
            }
            WagiRoute route = route(words[0], words[1], where);
            if (!isExport.test(route.export())) {
                throw new InvalidRoutesException(where + " names '" + route.export() + "', which the module does not"
                        + " export as a function without parameters or results");
            }
            Integer earlier = seen.putIfAbsent(route.text(), i + 1);
            if (earlier != null) {
                throw new InvalidRoutesException(where + " repeats the route of line " + earlier);
            }
            if (routes.size() > MAX_ROUTES) { // the module's own route and MAX_ROUTES declared ones
                throw new InvalidRoutesException(where + " is past the limit of " + MAX_ROUTES + " routes");
            }
            routes.add(route);
        }
        if (routes.size() == 1) {
            throw new InvalidRoutesException("_routes printed no route");
        }
        return new WagiRoutes(routes);
    }

    private static WagiRoute route(String text, String export, String where) {
        if (!text.startsWith("/") || text.length() > MAX_PATH_CHARS) {
            throw new InvalidRoutesException(where + ": a route is a path starting with '/', at most "
                    + MAX_PATH_CHARS + " characters");
        }
        for (char c : text.toCharArray()) {
            if (c <= ' ' || c >= 127 || c == '?' || c == '#') {
                throw new InvalidRoutesException(where + ": a route is visible ASCII without '?' or '#'");
            }
        }
        // "/..." alone is a prefix of nothing, so all of the module: its own path and everything below
        return text.endsWith(WagiRoute.WILDCARD_SUFFIX)
                ? new WagiRoute(text.substring(0, text.length() - WagiRoute.WILDCARD_SUFFIX.length()), true, export)
                : new WagiRoute(text, false, export);
    }

    private static String abbreviate(String line) {
        String visible = line.replaceAll("\\p{Cntrl}", "?");
        return visible.length() <= 80 ? visible : visible.substring(0, 80) + "…";
    }

    /** What {@code _routes} printed is not a route table. */
    public static final class InvalidRoutesException extends RuntimeException {
        InvalidRoutesException(String message) {
            super(message, null, false, false);
        }
    }
}
