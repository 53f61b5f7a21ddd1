package dev.mik.run;

import dev.mik.http.ServerInfo;
import dev.mik.memory.MemoryPool;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a module version's load-time probe finds: its routes, which then dispatch requests, or why it cannot run. */
class ModuleProbeTest {

    private static final long MAX_BYTES = 50L << 20;
    private static final long MEMORY_MAX = 64L << 20;

    @TempDir
    Path dir;

    private final MemoryPool pool = new MemoryPool(1L << 30);
    private final HandlerMemory memory = HandlerFixtures.memory(pool);
    private final ModuleCatalog catalog = new ModuleCatalog(memory, HandlerFixtures.probe(memory));

    private ModuleVersion load(Path wasm, String module) throws Exception {
        Files.copy(wasm, dir.resolve(module + ".wasm"));
        return catalog.resolve(dir, new ModuleName(module), MAX_BYTES, MEMORY_MAX);
    }

    /** The handler's answer to {@code GET /run/<module><rawPath>}, its lines parsed as NAME=value. */
    private Map<String, String> get(ModuleVersion version, String rawPath) {
        String module = version.name().value();
        HandlerRequest request = new HandlerRequest(version.name(), "GET", rawPath, rawPath, "q=1", Map.of(),
                new byte[0], "/ctx/run/" + module, "http://localhost/ctx/run/" + module + rawPath,
                new ServerInfo("localhost", 80, "HTTP/1.1", "127.0.0.1"), "test-request", "00-"
                + "00000000000000000000000000000001-0000000000000001-01");
        String body = new String(HandlerFixtures.runner().run(version, request, 20_000, MEMORY_MAX, 1 << 20).body(),
                StandardCharsets.UTF_8);
        Map<String, String> answer = new LinkedHashMap<>();
        String[] lines = body.split("\n");
        answer.put("export", lines[0]);
        for (int i = 1; i < lines.length; i++) {
            int equals = lines[i].indexOf('=');
            answer.putIfAbsent(lines[i].substring(0, equals), lines[i].substring(equals + 1));
        }
        return answer;
    }

    private static void assertRoute(Map<String, String> answer, String export, String scriptName, String pathInfo,
                                    String matchedRoute) {
        assertEquals(export, answer.get("export"), answer::toString);
        assertEquals(scriptName, answer.get("SCRIPT_NAME"), answer::toString);
        assertEquals(pathInfo, answer.get("PATH_INFO"), answer::toString);
        assertEquals(matchedRoute, answer.get("X_MATCHED_ROUTE"), answer::toString);
    }

    @Test
    void aRustModulesRoutesEachRunTheirExportWithWagisPathVariables() throws Exception {
        ModuleVersion routes = load(Path.of("handlers/conformance/routes.wasm"), "routes");
        assertRoute(get(routes, ""), "_start", "/ctx/run/routes", "", "/ctx/run/routes");
        assertRoute(get(routes, "/exact"), "on_exact", "/ctx/run/routes/exact", "", "/ctx/run/routes/exact");
        assertRoute(get(routes, "/wildcard"), "on_wildcard", "/ctx/run/routes/wildcard", "",
                "/ctx/run/routes/wildcard/...");
        assertRoute(get(routes, "/wildcard/fizz/buzz"), "on_wildcard", "/ctx/run/routes/wildcard", "/fizz/buzz",
                "/ctx/run/routes/wildcard/...");
        assertRoute(get(routes, "/wildcard/deeper/x"), "on_deeper", "/ctx/run/routes/wildcard/deeper", "/x",
                "/ctx/run/routes/wildcard/deeper/...");
        assertRoute(get(routes, "/main"), "_start", "/ctx/run/routes/main", "", "/ctx/run/routes/main");
        assertEquals("routes", get(routes, "/exact").get("ARG"), "a route's export gets the same arguments");
        var unrouted = assertThrows(ProblemException.class, () -> get(routes, "/exact/below"));
        assertEquals(ProblemType.NOT_FOUND, unrouted.type());
        assertTrue(unrouted.getMessage().contains("/wildcard/..."), unrouted::getMessage);
    }

    @Test
    void aCModulesRoutesWork() throws Exception {
        ModuleVersion routes = load(Path.of("src/test/wasm/routesc.wasm"), "routesc");
        assertRoute(get(routes, "/hello"), "on_hello", "/ctx/run/routesc/hello", "", "/ctx/run/routesc/hello");
        assertRoute(get(routes, "/files/a%20b/"), "on_files", "/ctx/run/routesc/files", "/a b/",
                "/ctx/run/routesc/files/...");
        assertRoute(get(routes, ""), "_start", "/ctx/run/routesc", "", "/ctx/run/routesc");
    }

    @Test
    void aModuleWithoutRoutesGetsAnEmptyPathInfoAtItselfAndSlashOnlyForATrailingSlash() throws Exception {
        ModuleVersion plain = load(Path.of("src/test/wasm/routesc.wasm").resolveSibling("env.wasm"), "env");
        assertEquals(WagiRoutes.WHOLE_MODULE, plain.routes());
        var atItself = WagiEnvironment.of(HandlerFixtures.get("env", ""), plain.route(HandlerFixtures.get("env", "")));
        assertEquals("", atItself.environment().get("PATH_INFO"));
        assertEquals("/run/env/...", atItself.environment().get("X_MATCHED_ROUTE"));
        assertEquals("/run/env", atItself.environment().get("SCRIPT_NAME"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"routesbad:line 2 '/only-a-path'", "routesmissing:'no_such_export'"})
    void anInvalidRouteTableMakesTheModuleInvalidNamingTheLineAndIsRemembered(String fixtureAndDetail)
            throws Exception {
        String fixture = fixtureAndDetail.split(":", 2)[0];
        Files.copy(Path.of("src/test/wasm", fixture + ".wasm"), dir.resolve(fixture + ".wasm"));
        ModuleName name = new ModuleName(fixture);
        var refused = assertThrows(ProblemException.class, () -> catalog.resolve(dir, name, MAX_BYTES, MEMORY_MAX));
        assertEquals(ProblemType.MODULE_INVALID, refused.type());
        assertTrue(refused.getMessage().contains(fixtureAndDetail.split(":", 2)[1]), refused::getMessage);
        assertSame(refused, assertThrows(ProblemException.class,
                () -> catalog.resolve(dir, name, MAX_BYTES, MEMORY_MAX)), "remembered until the file changes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"unlinkable", "wrongwasi", "importedmemory", "trapstart", "baddata"})
    void aModuleThatCannotBeInstantiatedIsInvalidRememberedAndHoldsNoMemory(String fixture) throws Exception {
        Files.copy(Path.of("src/test/wasm", fixture + ".wasm"), dir.resolve(fixture + ".wasm"));
        ModuleName name = new ModuleName(fixture);
        var refused = assertThrows(ProblemException.class, () -> catalog.resolve(dir, name, MAX_BYTES, MEMORY_MAX));
        assertEquals(ProblemType.MODULE_INVALID, refused.type(), refused::getMessage);
        assertTrue(refused.getMessage().contains("cannot be instantiated"), refused::getMessage);
        assertSame(refused, assertThrows(ProblemException.class,
                () -> catalog.resolve(dir, name, MAX_BYTES, MEMORY_MAX)), "remembered until the file changes");
        assertEquals(0, pool.inUse(), "the probe's instance gave its memory back");
    }

    @Test
    void anUninstantiableModuleIsLoggedOncePerFileVersionWithoutAStackTrace() throws Exception {
        try (LogCapture capture = LogCapture.of(ModuleCatalog.class)) {
            Files.copy(Path.of("src/test/wasm/trapstart.wasm"), dir.resolve("bad.wasm"));
            for (int i = 0; i < 5; i++) {
                assertThrows(ProblemException.class,
                        () -> catalog.resolve(dir, new ModuleName("bad"), MAX_BYTES, MEMORY_MAX));
            }
            List<LogRecord> records = capture.records();
            List<LogRecord> aboutIt = records.stream().filter(r -> r.getMessage().contains("'bad'")).toList();
            assertEquals(1, aboutIt.size(), records::toString);
            assertEquals(Level.WARNING, aboutIt.get(0).getLevel());
            assertNull(aboutIt.get(0).getThrown());
        }
    }

    @Test
    void routesThatNeverReturnEndAtTheHandlerTimeoutAsModuleInvalid() throws Exception {
        ModuleCatalog quick = new ModuleCatalog(memory, HandlerFixtures.probe(memory, 300));
        Files.copy(Path.of("src/test/wasm/routesloop.wasm"), dir.resolve("routesloop.wasm"));
        long started = System.nanoTime();
        var refused = assertThrows(ProblemException.class,
                () -> quick.resolve(dir, new ModuleName("routesloop"), MAX_BYTES, MEMORY_MAX));
        assertEquals(ProblemType.MODULE_INVALID, refused.type());
        assertTrue(refused.getMessage().contains("300 ms"), refused::getMessage);
        assertTrue(System.nanoTime() - started < 10_000_000_000L, "ended near its limit, not never");
    }
}
