package dev.mik.sandbox;

import dev.mik.sandbox.GlobalFingerprintTest.Script;
import dev.mik.sandbox.IsolationAttacks.Attack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.nashorn.internal.runtime.ConsString;
import org.openjdk.nashorn.internal.runtime.Symbol;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No Java object ever reaches a script, shown by construction: for every script of the escape and runaway suites,
 * the red team's cases and seeded random scripts, trusted code walks every value the script produced (what it
 * returned or threw, what it caught, their properties, getters and prototypes, transitively, and what every
 * built-in returns when called on each of the script's own objects) and a Java-side check judges each one: only
 * JavaScript primitives and script objects pass. The same walk runs over every built-in called on every shared
 * object, and over every Java member name of the primitives' classes read on every kind of primitive.
 */
class ReachableValueWalkTest {

    private static final ScriptLimits WALK_LIMITS = new ScriptLimits(120_000, 4L << 30, 1_000);
    private static final int MAX_VALUES = 2_000_000;
    /** The argument lists each built-in gets when called on an object a script made. */
    private static final List<List<Object>> ARGUMENTS = List.of(List.of(), List.of("x", 1), List.of(-1, "lastIndex"));

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    static Stream<Script> corpus() {
        return GlobalFingerprintTest.corpus();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyValueAScriptReachesIsAScriptValue(Script script) throws Exception {
        CompiledScript compiled;
        try {
            compiled = fixture.compile(script.source());
        } catch (ScriptCompileException rejected) {
            return;   // a rejected script never runs
        }
        RunGuard guard = new RunGuard(script.limits(), fixture.host, fixture.console);
        RunGuard previous = guard.enter();
        TrustedProbe.Outcome outcome;
        try {
            outcome = TrustedProbe.runForValue(fixture.sandbox, compiled, guard, script.input());
        } finally {
            RunGuard.leave(previous);
        }
        assertNoJavaObjectCaught(guard);
        List<Object> values = outcome.ended() ? List.of(nullToUndefined(outcome.value())) : List.of();

        assertOnlyScriptValues(script.name(), outcome.thrown() ? walk(List.of(), values, false)
                : walk(values, List.of(), false));
    }

    @Test
    void everyBuiltinCalledOnEverySharedObjectGivesScriptValues() throws Exception {
        TrustedProbe.Walk walk = walk(List.of(), List.of(), true);

        assertTrue(walk.found().size() > 50_000, walk.found().size() + " values");
        assertOnlyScriptValues("sweep", walk);
    }

    /**
     * Every name a Java class would link on a primitive (public methods, bean properties from getters, public fields)
     * read, with the name fixed in the source as {@code v.name}, on every kind of primitive: undefined unless
     * JavaScript's own prototype has the name.
     */
    @Test
    void javaMemberNamesOfPrimitivesReadUndefined() throws Exception {
        Set<String> names = javaMemberNames(String.class, CharSequence.class, Comparable.class, ConsString.class,
                Integer.class, Double.class, Long.class, Number.class, Boolean.class, Symbol.class, Object.class);
        assertTrue(names.containsAll(List.of("bytes", "class", "empty", "getClass", "blank", "infinite")),
                names::toString);
        String reads = names.stream().map(name -> "v." + name).collect(Collectors.joining(", "));
        String source = """
                export default function (input) {
                  var names = %s, primitives = ['x', '', 'a' + input.s, 1, 1.5, -0, NaN, 2147483648, true, false,
                    Symbol('s')];
                  // one call site per name for every kind of primitive: the links must tell the receivers apart
                  function read(v) { return [%s]; }
                  var values = [], unexpected = [];
                  primitives.forEach(function (v) {
                    var got = read(v);
                    names.forEach(function (name, i) {
                      values.push(got[i], v[name]);
                      if (got[i] !== undefined && !(name in Object(v))) { unexpected.push(typeof v + '.' + name); }
                    });
                  });
                  return [unexpected, values];
                }
                """.formatted(names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(",", "[", "]")), reads);
        CompiledScript compiled = fixture.compile(source);

        String json = fixture.run(compiled, "{\"s\":\"d\"}", SandboxFixture.LIMITS).json();
        assertTrue(json.startsWith("[[],"), () -> json.substring(0, Math.min(json.length(), 500)));
        RunGuard guard = new RunGuard(WALK_LIMITS, fixture.host, fixture.console);
        RunGuard previous = guard.enter();
        try {
            TrustedProbe.Outcome outcome = TrustedProbe.runForValue(fixture.sandbox, compiled, guard, "{\"s\":\"d\"}");
            assertOnlyScriptValues("Java member names", walk(List.of(outcome.value()), List.of(), false));
        } finally {
            RunGuard.leave(previous);
        }
    }

    static Stream<Attack> javaObjectAttacks() {
        return IsolationAttacks.JAVA_OBJECTS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("javaObjectAttacks")
    void theRedTeamsJavaObjectsStayOutOfReach(Attack attack) throws Exception {
        assertEquals(attack.expected(), fixture.run("export default function (input) {\n" + attack.body() + "\n}",
                "{\"s\":\"d\"}").json());
    }

    /** Walks from the roots, and from what a run threw as a script that caught it would see it. */
    private static TrustedProbe.Walk walk(List<Object> roots, List<Object> thrown, boolean sweepShared)
            throws Exception {
        RunGuard guard = new RunGuard(WALK_LIMITS, fixture.host, fixture.console);
        RunGuard previous = guard.enter();
        try {
            TrustedProbe.Walk walk = TrustedProbe.walk(fixture.sandbox, roots, thrown, ARGUMENTS, guard, sweepShared,
                    MAX_VALUES);
            assertNoJavaObjectCaught(guard);
            return walk;
        } finally {
            RunGuard.leave(previous);
        }
    }

    /** {@code c} turns a Java object it is handed into a failure; none may have come through. */
    private static void assertNoJavaObjectCaught(RunGuard guard) {
        if (guard.unexpected() != null) {
            assertTrue(!guard.unexpected().getMessage().contains("about to reach script code"),
                    () -> String.valueOf(guard.unexpected()));
        }
    }

    private static void assertOnlyScriptValues(String label, TrustedProbe.Walk walk) {
        List<String> javaObjects = new ArrayList<>();
        for (Object value : walk.found()) {
            if (!ScriptValues.isScriptValue(value)) {
                javaObjects.add(value.getClass().getName() + ": " + value);
            }
        }
        for (Object thrown : walk.javaThrown()) {
            if (!(thrown instanceof Throwable)) {
                javaObjects.add("caught " + thrown.getClass().getName());
            }
        }
        assertEquals(List.of(), javaObjects.stream().distinct().limit(20).toList(), label);
        assertTrue(!walk.truncated(), "the walk stopped at " + MAX_VALUES + " values");
    }

    private static Object nullToUndefined(Object value) {
        return value == null ? org.openjdk.nashorn.internal.runtime.ScriptRuntime.UNDEFINED : value;
    }

    /** Public method names, bean property names (getX, isX) and public field names of the classes. */
    static Set<String> javaMemberNames(Class<?>... types) {
        Set<String> names = new TreeSet<>();
        for (Class<?> type : types) {
            for (Method method : type.getMethods()) {
                names.add(method.getName());
                String name = method.getName();
                if (method.getParameterCount() == 0 && !Modifier.isStatic(method.getModifiers())) {
                    if (name.startsWith("get") && name.length() > 3) {
                        names.add(decapitalize(name.substring(3)));
                    } else if (name.startsWith("is") && name.length() > 2) {
                        names.add(decapitalize(name.substring(2)));
                    }
                }
            }
            for (Field field : type.getFields()) {
                names.add(field.getName());
            }
        }
        return names;
    }

    private static String decapitalize(String name) {
        return name.length() > 1 && Character.isUpperCase(name.charAt(1)) ? name
                : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
