package dev.mik.openapi;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkout demo's descriptions in {@code handlers/}: each passes mik's checks, and describes exactly the one route
 * its handler's source accepts ({@code json_route("POST", "/verify")} in C, {@code request.route("POST", "/charge")}
 * in Rust), so a description cannot drift from its handler unnoticed.
 */
class DemoDescriptionsTest {

    private static final Path HANDLERS = Path.of("handlers");
    private static final List<String> DEMO = List.of("auth", "inventory", "payment", "orders", "notifications",
            "guest-checkout");
    private static final Pattern ROUTE = Pattern.compile("route\\(\"([A-Z]+)\", \"([^\"]+)\"\\)");

    @Test
    void everyDemoHandlerHasAValidDescriptionOfExactlyTheRouteItsSourceAccepts() throws Exception {
        for (String module : DEMO) {
            JsonObject description = DescriptionReader.read(Files.readAllBytes(
                    HANDLERS.resolve(module + DescriptionCatalog.SUFFIX)));
            DescriptionRules.check(description);
            Map<String, List<String>> described = new TreeMap<>();
            description.getJsonObject("paths").forEach((path, item) -> described.put(path, item.asJsonObject()
                    .keySet().stream().filter(OpenApiShape.METHODS::contains).toList()));
            assertEquals(sourceRoutes(module), described, module);
        }
    }

    @Test
    void everyDescriptionInTheHandlersDirectoryBelongsToAModule() throws Exception {
        try (var files = Files.list(HANDLERS)) {
            files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(DescriptionCatalog.SUFFIX))
                    .forEach(name -> assertTrue(Files.exists(HANDLERS.resolve(name.replace(
                            DescriptionCatalog.SUFFIX, ".wasm"))), name));
        }
    }

    private static Map<String, List<String>> sourceRoutes(String module) throws Exception {
        Path source = Files.exists(HANDLERS.resolve(module + ".c")) ? HANDLERS.resolve(module + ".c")
                : HANDLERS.resolve(module + ".rs");
        Map<String, List<String>> routes = new TreeMap<>();
        Matcher route = ROUTE.matcher(Files.readString(source));
        while (route.find()) {
            routes.put(route.group(2), List.of(route.group(1).toLowerCase(Locale.ROOT)));
        }
        assertEquals(1, routes.size(), source + " " + routes);
        return routes;
    }
}
