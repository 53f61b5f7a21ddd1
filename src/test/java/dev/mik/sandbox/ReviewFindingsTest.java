package dev.mik.sandbox;

import dev.mik.testing.LogCapture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.LogRecord;
import java.util.stream.Stream;

import static dev.mik.sandbox.GuardTesting.guard;
import static dev.mik.sandbox.GuardTesting.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Review findings on the sandbox: the regex cache kept huge patterns across runs, {@code replace} built results far
 * beyond the string cap inside one call, one Error ended the guard watchdog for good, and {@code host.call} threw
 * for a bad module or options instead of answering a failure result.
 */
class ReviewFindingsTest {

    private static final int STRING = ScriptSandbox.MAX_STRING_LENGTH;
    /** Roomy enough that the caps, not the allocation budget, decide. */
    private static final ScriptLimits LIMITS = new ScriptLimits(10_000, 512L << 20, 20);

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    @BeforeEach
    void forgetCalls() {
        fixture.hostCalls.clear();
    }

    // 1. the regex cache

    @Test
    void longRegexSourcesAreNotCached() {
        String shortSource = "ab+c";
        String longSource = "a".repeat(GuardedRegExp.MAX_CACHED_SOURCE_LENGTH + 1);

        assertSame(GuardedRegExp.of(shortSource, "g"), GuardedRegExp.of(shortSource, "g"));
        assertNotSame(GuardedRegExp.of(longSource, ""), GuardedRegExp.of(longSource, ""));
    }

    @Test
    void theCacheBoundsItsTotalSourceCharacters() {
        String first = "b".repeat(GuardedRegExp.MAX_CACHED_SOURCE_LENGTH - 8) + "first";
        GuardedRegExp cached = GuardedRegExp.of(first, "");
        assertSame(cached, GuardedRegExp.of(first, ""));
        // fewer entries than CACHE_SIZE, but more characters than MAX_CACHED_SOURCE_CHARS
        int entries = GuardedRegExp.MAX_CACHED_SOURCE_CHARS / GuardedRegExp.MAX_CACHED_SOURCE_LENGTH + 2;
        assertTrue(entries < GuardedRegExp.CACHE_SIZE);
        for (int i = 0; i < entries; i++) {
            GuardedRegExp.of("c".repeat(GuardedRegExp.MAX_CACHED_SOURCE_LENGTH - 8) + i, "");
        }

        assertTrue(GuardedRegExp.cacheUsage().keyChars() <= GuardedRegExp.MAX_CACHED_SOURCE_CHARS,
                GuardedRegExp.cacheUsage().toString());
        assertNotSame(cached, GuardedRegExp.of(first, ""), "the least recently used expression was evicted");
    }

    @Test
    void aScriptsHugeRegexIsNotKeptAfterItsRun() throws Exception {
        int before = GuardedRegExp.cacheUsage().keyChars();
        for (int n = 0; n < 3; n++) {
            ScriptResult result = fixture.run(fixture.compile("export default function (input) {\n"
                    + "return new RegExp('a'.repeat(8000) + input.n).test('b');\n}"), "{\"n\":" + n + "}", LIMITS);
            assertEquals("false", result.json());
        }

        assertTrue(GuardedRegExp.cacheUsage().keyChars() - before < 8_000, GuardedRegExp.cacheUsage().toString());
    }

    // 2. replace and replaceAll

    @Test
    void replaceKeepsItsSemantics() throws Exception {
        String result = run("""
                return ['x-y'.replace(/(\\w)/g, '[$1]'), 'a-b'.replace(/(a)-(b)/, '$2-$1'),
                  'abc'.replace('b', "[$&|$`|$'|$$|$1|$0|$]"), 'abc'.replace(/(b)/g, '$01|$10|$0|$2|$x'),
                  'aXbX'.replace('X', '.'), 'aaa'.replace(/a/g, function (m, offset, s) { return offset + s.length; }),
                  'abc'.replace(/(z)?b/, function (m, z) { return typeof z; }),
                  'abc'.replace(/b/, function () { return typeof this; }),
                  'abc'.replace(/B/i, { toString: function () { return '<$&>'; } }),
                  'a1b22'.replace(/\\d+/g, function (d) { return d * 2; }), 'abc'.replace(/x*/g, '-'),
                  'x.y.z'.replaceAll('.', '+'), 'a.b.c'.replaceAll(/\\./g, '$$'), 'abab'.replaceAll('b', '[$&]'),
                  'abc'.replace(/(?:)/, '$<name>'), ' a '.trimStart() + '|' + ' a '.trimEnd()];
                """).json();

        assertEquals("[\"[x]-[y]\",\"b-a\",\"a[b|a|c|$|$1|$0|$]c\",\"ab|b0|$0|$2|$xc\",\"a.bX\",\"345\","
                + "\"aundefinedc\",\"aundefinedc\",\"a<b>c\",\"a2b44\",\"-a-b-c-\",\"x+y+z\",\"a$b$c\",\"a[b]a[b]\","
                + "\"$<name>abc\",\"a | a\"]", result);
    }

    @Test
    void replacerFunctionsGetExactlyTheNativeArguments() throws Exception {
        String result = run("""
                var out = [];
                for (var m = 0; m <= 12; m++) {
                  var s = 'a' + 'b'.repeat(m) + 'cd';
                  out.push(s.replace(new RegExp('(b)'.repeat(m) + 'c', 'g'), function () {
                    return [arguments.length, arguments[m], arguments[arguments.length - 2],
                            arguments[arguments.length - 1] === s, typeof this].join(':');
                  }));
                }
                out.push('ab'.replace(/(x)?(y)?b/, function (match, x, y, offset, input) {
                  return [arguments.length, match, x, y, offset, input].join(':');
                }));
                return out;
                """).json();

        StringBuilder expected = new StringBuilder("[\"a3:c:1:true:undefinedd\"");
        for (int m = 1; m <= 12; m++) {
            expected.append(",\"a").append(m + 3).append(":b:1:true:undefinedd\"");
        }
        expected.append(",\"a5:b:::1:ab\"]");
        assertEquals(expected.toString(), result);
    }

    @Test
    void replaceAllStillNeedsAGlobalRegExp() {
        ScriptFailure failure = assertThrows(ScriptFailure.class, () -> run("return 'aa'.replaceAll(/a/, 'b');"));
        assertTrue(failure.getDetail().startsWith("TypeError"), failure.getDetail());
    }

    @Test
    void aLongReplacementStringIsRefusedBeforeItIsBuilt() throws Exception {
        long allocatedBefore = allocatedBytes();
        String result = run("""
                try { return 'a'.repeat(4000).replace(/a/g, 'b'.repeat(8e6)).length; }
                catch (e) { return String(e); }
                """).json();

        assertTrue(result.startsWith("\"RangeError: replace result length"), result);
        // the replacement (8 MB) and the dry run, not the 32 GB result nor the 881 MB before the fix
        long allocated = allocatedBytes() - allocatedBefore;
        assertTrue(allocated < 200L << 20, allocated + " bytes allocated");
        fixture.assertHealthy();
    }

    @Test
    void aReplacerFunctionsResultsAreCountedAsTheyCome() throws Exception {
        long allocatedBefore = allocatedBytes();
        String result = run("""
                var big = 'b'.repeat(8e6), calls = 0;
                try { 'a'.repeat(4000).replace(/a/g, function () { calls++; return big; }); return 'built'; }
                catch (e) { return [String(e).substring(0, 33), calls]; }
                """).json();

        assertEquals("[\"RangeError: replace result length\",2]", result);
        long allocated = allocatedBytes() - allocatedBefore;
        assertTrue(allocated < 200L << 20, allocated + " bytes allocated");
    }

    @Test
    void aGroupInALookaheadCanReachBeyondItsMatch() throws Exception {
        // each match inserts the rest of the input: 3000 characters give 4.5 million, 5000 give 12.5 million
        assertEquals("4501500", run("return 'x'.repeat(3000).replace(/(?=(x+))x/g, '$1').length;").json());
        assertTrue(run("try { return 'x'.repeat(5000).replace(/(?=(x+))x/g, '$1').length; }"
                + " catch (e) { return String(e); }").json().startsWith("\"RangeError: replace result length"));
    }

    @Test
    void replaceAllIsCappedToo() throws Exception {
        assertTrue(run("try { return 'ab'.repeat(100).replaceAll('b', 'c'.repeat(1e6)); }"
                + " catch (e) { return String(e); }")
                .json().startsWith("\"RangeError: replaceAll result length"));
        assertTrue(run("try { return 'ab'.repeat(100).replaceAll(/b/g, function () { return 'c'.repeat(1e6); }); }"
                + " catch (e) { return String(e); }").json().startsWith("\"RangeError: replaceAll result length"));
    }

    record Replacement(String pattern, String replacement) {
        @Override
        public String toString() {
            return pattern + " -> " + replacement;
        }
    }

    static Stream<Replacement> replacements() {
        List<Replacement> cases = new ArrayList<>();
        // '++' makes every replacement grow the string, so some padding takes it past the cap
        for (String template : new String[] {"'$&'", "'$`'", "\"$'\"", "'$1'", "'$01'", "'$10'", "'$12'", "'$2'",
            "'$3'", "'$0'", "'$$'", "'$x'", "'$'", "'<$&$`>'", "\"$'$'$1$$\"", "'plain'", "''"}) {
            cases.add(new Replacement("/(b)(c)?/", "'++' + " + template));
        }
        cases.add(new Replacement("/(b)(c)?/", "function (m, b, c) { return '#' + m + b + c; }"));
        cases.add(new Replacement("/(b)(d)?/g", "'++$`$2'"));
        cases.add(new Replacement("/b/g", "function (m) { return m + m; }"));
        cases.add(new Replacement("/(?=(b))b/g", "'++$1'"));
        cases.add(new Replacement("'bd'", "\"++$&$'\""));
        return cases.stream();
    }

    /**
     * The measured length is exact: a replacement whose result is exactly the cap's length is built, one a character
     * longer is refused. The result grows by a fixed step per padding character, read off two small runs.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("replacements")
    void aResultOfExactlyTheCapIsBuiltAndOneCharacterMoreIsRefused(Replacement replacement) throws Exception {
        String result = run("""
                var replacement = %s;
                function replaced(padding) {
                  return ('x'.repeat(padding) + 'abdab').replace(%s, replacement);
                }
                var base = replaced(0).length, step = replaced(1).length - base;
                var padding = Math.floor((%d - base) / step);
                var within = replaced(padding).length === base + step * padding;
                var refused;
                try { replaced(padding + Math.ceil((%d + 1 - base - step * padding) / step)); refused = false; }
                catch (e) { refused = String(e).indexOf('RangeError: replace result length') === 0; }
                return [step > 0, base + step * padding > %d - step, within, refused];
                """.formatted(replacement.replacement(), replacement.pattern(), STRING, STRING, STRING)).json();

        assertEquals("[true,true,true,true]", result);
    }

    // 3. the watchdog survives an Error in a poll

    @Test
    void theWatchdogKeepsPollingAfterAnErrorAndLogsItOnce() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "test-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        LogCapture capture = LogCapture.silencing(GuardWatchdog.class);
        List<LogRecord> records = capture.records();
        RunGuard failing = guard(60_000);
        AtomicInteger failures = new AtomicInteger();
        try (GuardWatchdog watchdog = new GuardWatchdog(scheduler, guard -> {
            if (guard == failing) {
                failures.incrementAndGet();
                throw new OutOfMemoryError("simulated: the heap filled up during a poll");
            }
            guard.poll();
        })) {
            watchdog.watch(failing);
            assertTrue(waitFor(() -> failures.get() >= 5), "the failing guard was polled again and again");
            watchdog.forget(failing);

            RunGuard late = guard(1);
            watchdog.watch(late);
            assertTrue(waitFor(() -> late.tripped() != null), "a run started after the Error is still watched");
            assertEquals(AbortReason.TIMEOUT, late.tripped());
            assertTrue(watchdog.polling());
        } finally {
            capture.close();
            scheduler.shutdownNow();
        }
        assertEquals(1, records.size(), "one log record per kind of failure");
        assertTrue(records.get(0).getThrown() instanceof OutOfMemoryError);
    }

    // 4. host.call answers a bad module or bad options with a result

    @Test
    void hostCallPassesABadModuleOrBadOptionsToTheHostInsteadOfThrowing() throws Exception {
        String result = run("""
                return [host.call(123), host.call('a', 5), host.call('a', 'x'), host.call('a', true),
                  host.call('a', function () {}), host.call(Symbol('s')), host.call(null, null),
                  host.call('a', { toJSON: function () { return undefined; } }), host.call('a', [1])]
                  .map(function (r) { return r.status; });
                """).json();

        assertEquals("[200,200,200,200,200,200,200,200,200]", result);
        assertEquals(List.of("123 {}", "a \"number\"", "a \"string\"", "a \"boolean\"", "a \"function\"",
                "Symbol(s) {}", "null {}", "a \"object\"", "a [1]"), fixture.hostCalls);
    }

    // Promise: the README lists it, but nashorn-core 15.7 has no Promise at all

    @Test
    void promiseIsNotDefined() throws Exception {
        assertEquals("\"undefined\"", run("return typeof Promise;").json());
    }

    private static ScriptResult run(String body) throws Exception {
        return fixture.run(fixture.compile("export default function (input) {\n" + body + "\n}"), "{}", LIMITS);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }
}
