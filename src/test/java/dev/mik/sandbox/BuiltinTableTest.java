package dev.mik.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.script.ScriptContext;
import javax.script.ScriptEngine;
import javax.script.SimpleBindings;
import javax.script.SimpleScriptContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * builtins.tsv is exactly the set of functions the live hardened global reaches: a Nashorn upgrade that adds a
 * builtin, or a hardening change that exposes one, fails here until the new function is classified; a row whose
 * function is gone fails too. Every row guarded {@code entry} or {@code mik} is a wrapper, not the native.
 */
class BuiltinTableTest {

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    @Test
    void theTableListsExactlyTheReachableFunctions() throws Exception {
        Set<String> reachable = new TreeSet<>(List.of(((String) walk("'names'")).split("\n")));
        Set<String> listed = BuiltinTable.rows().stream().map(BuiltinTable.Row::function)
                .collect(Collectors.toCollection(TreeSet::new));

        Set<String> unlisted = new TreeSet<>(reachable);
        unlisted.removeAll(listed);
        Set<String> gone = new TreeSet<>(listed);
        gone.removeAll(reachable);
        assertEquals(Set.of(), unlisted, "reachable functions missing from " + BuiltinTable.RESOURCE);
        assertEquals(Set.of(), gone, "rows of " + BuiltinTable.RESOURCE + " no longer reachable");
        assertTrue(reachable.size() > 200, "the walk found only " + reachable.size() + " functions");
    }

    @Test
    void everyGuardedRowIsAWrapperAndEveryRowIsUnique() throws Exception {
        Set<String> natives = new TreeSet<>(List.of(((String) walk("'natives'")).split("\n")));
        List<String> duplicates = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (BuiltinTable.Row row : BuiltinTable.rows()) {
            if (!seen.add(row.function())) {
                duplicates.add(row.function());
            }
            if (row.guard() != BuiltinTable.Guard.NONE) {
                assertTrue(!natives.contains(row.function()), row.function() + " is guarded "
                        + row.guard() + " in the table but the global still holds the native function");
            }
        }
        assertEquals(List.of(), duplicates);
    }

    @Test
    void wrappedConstructorsBehaveAsTheNativeOnes() throws Exception {
        assertEquals("[0,\"string\",true,true,3,2,true,true,\"2001\",true]", fixture.runBody("""
                return [new Date(0).getTime(), typeof Date(), new Date(2000, 1) instanceof Date,
                  new RegExp('a', 'g').global, Array(3).length, new Array(1, 2).length, [] instanceof Array,
                  RegExp('b').test('abc'), String(new Date(Date.UTC(2001, 0, 1)).getUTCFullYear()),
                  Array.isArray(new Array(2))];
                """).json());
    }

    /** Runs the walk over the sandbox's hardened global; {@code what} picks names or the natives among them. */
    private static Object walk(String what) throws Exception {
        Field field = ScriptSandbox.class.getDeclaredField("engine");
        field.setAccessible(true);
        ScriptEngine engine = (ScriptEngine) field.get(fixture.sandbox);
        SimpleScriptContext context = new SimpleScriptContext();
        context.setBindings(engine.getBindings(ScriptContext.ENGINE_SCOPE), ScriptContext.ENGINE_SCOPE);
        context.setBindings(new SimpleBindings(), ScriptContext.GLOBAL_SCOPE);
        ScriptObjectMirror walker = (ScriptObjectMirror) engine.eval(resource("reachable-functions.js"), context);
        return walker.call(null, engine.getBindings(ScriptContext.ENGINE_SCOPE), engine.eval(what, context));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = BuiltinTableTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
