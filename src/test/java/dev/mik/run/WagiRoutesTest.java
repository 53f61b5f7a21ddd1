package dev.mik.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WagiRoutesTest {

    private static final Set<String> EXPORTS = Set.of("_start", "a", "b", "c");

    private static WagiRoutes parse(String printed) {
        return WagiRoutes.parse(printed, EXPORTS::contains);
    }

    private static String exportFor(WagiRoutes routes, String path) {
        return routes.match(path).map(WagiRoute::export).orElse("none");
    }

    @Test
    void aModuleWithoutRoutesAnswersItsOwnPathAndEverythingBelow() {
        for (String path : List.of("", "/", "/x", "/x/y/", "/%20")) {
            assertEquals("_start", exportFor(WagiRoutes.WHOLE_MODULE, path), path);
        }
    }

    @Test
    void exactRoutesMatchOnlyThemselvesAndPrefixesTheirPathAndBelowNotSuperstrings() {
        WagiRoutes routes = parse("/exact a\n/wild/... b\n");
        assertEquals("_start", exportFor(routes, ""), "the module's own path still runs _start");
        assertEquals("a", exportFor(routes, "/exact"));
        assertEquals("none", exportFor(routes, "/exact/"), "a trailing slash is another path");
        assertEquals("none", exportFor(routes, "/exact/x"));
        assertEquals("b", exportFor(routes, "/wild"));
        assertEquals("b", exportFor(routes, "/wild/"));
        assertEquals("b", exportFor(routes, "/wild/x/y"));
        assertEquals("none", exportFor(routes, "/wildcard"));
        assertEquals("none", exportFor(routes, "/"), "with routes, / is not the module's own path");
    }

    @Test
    void theLongestMatchingRouteWinsWhateverTheOrderPrinted() {
        List<String> lines = new ArrayList<>(List.of("/one/... a", "/one/two/... b", "/one/two/three c"));
        Random random = new Random(13);
        for (int round = 0; round < 20; round++) {
            java.util.Collections.shuffle(lines, random);
            WagiRoutes routes = parse(String.join("\n", lines));
            assertEquals("a", exportFor(routes, "/one/x"), lines::toString);
            assertEquals("b", exportFor(routes, "/one/two/three/four"), lines::toString);
            assertEquals("c", exportFor(routes, "/one/two/three"), lines::toString);
            assertEquals("b", exportFor(routes, "/one/two"), lines::toString);
        }
    }

    @Test
    void anExactRouteWinsOverAPrefixOfTheSamePath() {
        WagiRoutes routes = parse("/p/... a\n/p b");
        assertEquals("b", exportFor(routes, "/p"));
        assertEquals("a", exportFor(routes, "/p/q"));
    }

    /**
     * Against a plain reference (every route that matches, by WAGI's rules, then the longest, exact before prefix),
     * over seeded random route tables and paths made of the same few segments so that they overlap.
     */
    @Test
    void matchingAgreesWithAReferenceOverGeneratedTables() {
        Random random = new Random(2026);
        String[] segments = {"a", "b", "ab", "..."};
        for (int table = 0; table < 300; table++) {
            Set<String> texts = IntStream.range(0, 1 + random.nextInt(6))
                    .mapToObj(i -> path(random, segments) + (random.nextBoolean() ? "/..." : ""))
                    .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
            List<String> lines = texts.stream().map(text -> text + " " + List.of("a", "b", "c").get(random.nextInt(3)))
                    .toList();
            WagiRoutes routes = parse(String.join("\n", lines));
            for (int probe = 0; probe < 30; probe++) {
                String path = random.nextInt(8) == 0 ? "" : path(random, segments) + (random.nextBoolean() ? "/" : "");
                assertEquals(reference(lines, path), routes.match(path).map(WagiRoute::text), lines + " " + path);
            }
        }
    }

    private static String path(Random random, String[] segments) {
        StringBuilder path = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            path.append('/').append(segments[random.nextInt(segments.length - 1)]);
        }
        return path.toString();
    }

    /** Straight from WAGI's definitions: exact is equality, prefix P is P itself or P + "/" + anything. */
    private static Optional<String> reference(List<String> lines, String path) {
        List<String> texts = new ArrayList<>(List.of(""));
        lines.forEach(line -> texts.add(line.split(" ")[0]));
        return texts.stream().filter(text -> text.endsWith("/...")
                        ? path.equals(text.substring(0, text.length() - 4))
                        || path.startsWith(text.substring(0, text.length() - 4) + "/")
                        : path.equals(text))
                .max(java.util.Comparator.comparingInt((String text) -> text.endsWith("/...") ? text.length() - 4
                        : text.length()).thenComparing(text -> !text.endsWith("/...")));
    }

    @Test
    void blankLinesAndCrlfAndExtraSpacesAreAccepted() {
        WagiRoutes routes = parse("\r\n  /x \t a  \r\n\n/y/... b\r\n");
        assertEquals("a", exportFor(routes, "/x"));
        assertEquals("b", exportFor(routes, "/y/z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n\n", "/only-a-path", "/x a extra", "x a", "/x?y a", "/x#y a", "/é a",
            "/x a\n/x b", "/x/... a\n/x/... b", "/x nosuch", "/x main"})
    void anInvalidRouteTableIsRefusedNamingItsLine(String printed) {
        var refused = assertThrows(WagiRoutes.InvalidRoutesException.class, () -> parse(printed));
        assertTrue(printed.isBlank() ? refused.getMessage().contains("no route")
                : refused.getMessage().startsWith("line "), refused::getMessage);
    }

    @Test
    void theLineNumberIsTheBadLinesOwn() {
        var refused = assertThrows(WagiRoutes.InvalidRoutesException.class, () -> parse("/a a\n\n/b nosuch\n"));
        assertTrue(refused.getMessage().startsWith("line 3 '/b nosuch'"), refused::getMessage);
        assertTrue(refused.getMessage().contains("'nosuch'"), refused::getMessage);
    }

    @Test
    void moreRoutesThanTheLimitAreRefused() {
        String atLimit = IntStream.range(0, WagiRoutes.MAX_ROUTES).mapToObj(i -> "/r" + i + " a")
                .collect(Collectors.joining("\n"));
        assertEquals(WagiRoutes.MAX_ROUTES + 1, parse(atLimit).routes().size());
        var refused = assertThrows(WagiRoutes.InvalidRoutesException.class, () -> parse(atLimit + "\n/one-more a"));
        assertTrue(refused.getMessage().contains("limit of " + WagiRoutes.MAX_ROUTES), refused::getMessage);
    }
}
