package dev.mik.sandbox;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Red team: how much one builtin call can allocate beyond what the run has reserved from the memory pool.
 *
 * <p>Each probe is straight-line code: a setup the pool covers, then ONE call. The account grants everything and
 * remembers the most it was asked to cover; the run's thread-allocated bytes are read around the run. Whatever was
 * allocated above the largest coverage was never reserved: with N runs doing it at once the heap takes N times that
 * beyond the pool, between two checks, which is what the ahead reservations are meant to prevent.
 */
class AheadReservationRedTeamTest {

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    private static final long MIB = 1L << 20;
    /** Bytes a run may allocate past its last coverage without counting as a hole: the runner's own work. */
    private static final long SLACK = 2 * MIB;

    /** What one probe run cost: allocated on the run's thread, the most it reserved, how it ended. */
    record Cost(long allocated, long covered, String outcome) {
    }

    private static Cost measure(String body, AllocationAccount limit) throws Exception {
        CompiledScript script = fixture.compile("export default function (input) {\n" + body + "\n}");
        AtomicLong covered = new AtomicLong();
        AllocationAccount account = bytes -> {
            if (!limit.cover(bytes)) {
                return false;
            }
            covered.accumulateAndGet(bytes, Math::max);
            return true;
        };
        long before = THREADS.getCurrentThreadAllocatedBytes();
        String outcome;
        try {
            outcome = "returned " + fixture.sandbox.run(script, "{}", SandboxFixture.REQUEST, fixture.host,
                    fixture.console, new ScriptLimits(20_000, 1L << 30, 10), account).json();
        } catch (ScriptAbortedException e) {
            outcome = "aborted " + e.getReason();
        } catch (Exception e) {
            String message = String.valueOf(e.getMessage());
            outcome = e.getClass().getSimpleName() + ": " + message.substring(0, Math.min(120, message.length()));
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        return new Cost(allocated, covered.get(), outcome);
    }

    /** The smallest of three runs (the first warms classes and call sites up). */
    private static Cost leastOfThree(String body, AllocationAccount limit) throws Exception {
        Cost best = null;
        for (int i = 0; i < 3; i++) {
            Cost cost = measure(body, limit);
            if (best == null || cost.allocated() < best.allocated()) {
                best = cost;
            }
        }
        return best;
    }

    /** What a probe's run allocated above a pool that covers its setup and one more step, and how it ended. */
    record Overshoot(long pool, Cost cost) {
        long beyondPool() {
            return cost.allocated() - pool;
        }
    }

    /**
     * The probe's setup alone (its last statement replaced by {@code return 0}) is measured first; the pool then
     * covers exactly that plus two memory steps. A call the ahead reservation covers stops the run before it
     * allocates (MEMORY, allocated within the pool); one it does not cover allocates its whole result first.
     */
    private static Overshoot overshoot(String body) throws Exception {
        int last = body.lastIndexOf("var r = ");
        String setupOnly = body.substring(0, last) + "return 0;";
        long setup = leastOfThree(setupOnly, bytes -> true).allocated();
        long pool = setup + 2 * RunGuard.MEMORY_STEP;
        Cost cost = leastOfThree(body, bytes -> bytes <= pool);
        return new Overshoot(pool, cost);
    }

    // setups: p80 is 80 non-Latin-1 characters (2 bytes each in a Java string), a100 an array of 100,000 of them
    private static final String P80 = "var p80 = '\\u0100'.repeat(80); p80.charCodeAt(0);\n";
    private static final String A100K = P80 + "var a = []; for (var i = 0; i < 100000; i++) { a.push(p80); }\n";
    private static final String P80K = "var p80k = '\\u0100'.repeat(80000); p80k.charCodeAt(0);\n";
    private static final String H100 = P80K + "var h = []; for (var i = 0; i < 100; i++) { h.push(p80k); }\n";
    private static final String P1M = "var p1m = '\\u0100'.repeat(1000000); p1m.charCodeAt(0);\n";

    /** One call each; every result is about 8 Mi characters (16 MiB as a Java string) or the cap of its kind. */
    private static Map<String, String> probes() {
        Map<String, String> probes = new LinkedHashMap<>();
        probes.put("Array.prototype.join (100,000 x 80 chars)", A100K + "var r = a.join(''); return r.length;");
        probes.put("String(array) via toString", A100K + "var r = String(a); return r.length;");
        probes.put("JSON.stringify (100 x 80,000 chars)", H100 + "var r = JSON.stringify(h); return r.length;");
        probes.put("String.prototype.concat (100 x 80,000 chars)",
                H100 + "var r = p80k.concat.apply(p80k, h.slice(0, 99)); return r.length;");
        probes.put("+ rope flattened by charCodeAt (8 x 1M chars)",
                P1M + "var t = p1m + p1m; t = t + t; t = t + t; var r = t.charCodeAt(7999999); return r;");
        probes.put("template literal rope flattened", P1M
                + "var t = `${p1m}${p1m}${p1m}${p1m}${p1m}${p1m}${p1m}${p1m}`;"
                + " var r = t.charCodeAt(7999999); return r;");
        probes.put("replace, short input, replacer function returns 8,000 chars",
                "var q = '\\u0100'.repeat(8000); q.charCodeAt(0); var x = 'x'.repeat(1000);\n"
                        + "var r = x.replace(/x/g, function () { return q; }); return r.length;");
        probes.put("replace, short input, 8,000-char replacement string",
                "var q = '\\u0100'.repeat(8000); q.charCodeAt(0); var x = 'x'.repeat(1000);\n"
                        + "var r = x.replace(/x/g, q); return r.length;");
        probes.put("replace with $& expansion", "var q = '\\u0100'.repeat(1000000); q.charCodeAt(0);\n"
                + "var r = q.replace(/^[\\s\\S]*$/, '$&$&$&$&$&$&$&$&'); return r.length;");
        probes.put("escape (1.39M non-Latin-1 chars, x6)",
                "var q = '\\u0100'.repeat(1398000); q.charCodeAt(0); var r = escape(q); return r.length;");
        probes.put("encodeURIComponent (1.39M chars, x6)",
                "var q = '\\u0100'.repeat(1398000); q.charCodeAt(0); var r = encodeURIComponent(q); return r.length;");
        probes.put("new RegExp of a 1M-char pattern",
                "var q = 'a'.repeat(1000000); q.charCodeAt(0); var r = new RegExp(q); return r.source.length;");
        probes.put("JSON.parse of 1 Mi chars (500,000 numbers)", "var q = '[' + '0,'.repeat(499999) + '0]';"
                + " q.charCodeAt(0); var r = JSON.parse(q); return r.length;");
        probes.put("JSON.parse of 1 Mi chars (objects)", "var q = '[' + '{},'.repeat(349524) + '{}]';"
                + " q.charCodeAt(0); var r = JSON.parse(q); return r.length;");
        probes.put("new Array(1048576) (dense)", "var r = new Array(1048576); return r.length;");
        probes.put("Array.prototype.concat (200,000 refs)",
                A100K + "var r = a.concat(a); return r.length;");
        probes.put("Array.prototype.slice (100,000 refs)", A100K + "var r = a.slice(); return r.length;");
        probes.put("Object.keys of a 200,000-char string",
                "var q = new String('x'.repeat(200000)); var r = Object.keys(q); return r.length;");
        probes.put("sort() without comparator (100,000 strings)",
                "var a = []; for (var i = 0; i < 100000; i++) { a.push('k' + (i * 7919 % 100000)); }\n"
                        + "var r = a.sort(); return r.length;");
        // controls: the calls the change routes through enterAhead
        probes.put("control: toLowerCase (4M chars)",
                "var q = '\\u0100'.repeat(4000000); var r = q.toLowerCase(); return r.length;");
        probes.put("control: split('') of 200,000 chars",
                "var q = '\\u0100'.repeat(200000); var r = q.split(''); return r.length;");
        probes.put("control: repeat to 8M chars", "var r = '\\u0100'.repeat(8000000); return r.charCodeAt(5);");
        return probes;
    }

    /**
     * MEASURING: prints, for each probe, what it allocated above a pool that covers its setup plus two memory steps.
     * Asserts only that the probes ran; {@link #noSingleCallAllocatesFarBeyondThePool} is the assertion.
     */
    @Test
    void measureAllocationBeyondThePool() throws Exception {
        StringBuilder table = new StringBuilder("\nprobe | pool MiB | allocated MiB | beyond pool MiB | outcome\n");
        for (Map.Entry<String, String> probe : probes().entrySet()) {
            Overshoot o = overshoot(probe.getValue());
            table.append(String.format("%s | %.1f | %.1f | %.1f | %s%n", probe.getKey(), o.pool() / 1048576.0,
                    o.cost().allocated() / 1048576.0, o.beyondPool() / 1048576.0, o.cost().outcome()));
        }
        System.out.println(table);
        assertTrue(table.length() > 0);
    }

    /**
     * The README's promise: a builtin call that makes a large string or array reserves ahead, so a run the pool
     * cannot cover stops before the call, having allocated no more than the pool (within the runner's slack).
     */
    @Test
    void noSingleCallAllocatesFarBeyondThePool() throws Exception {
        List<String> holes = new ArrayList<>();
        for (Map.Entry<String, String> probe : probes().entrySet()) {
            Overshoot o = overshoot(probe.getValue());
            if (o.beyondPool() > SLACK) {
                holes.add(probe.getKey() + ": " + (o.beyondPool() >> 20) + " MiB beyond a pool of " + (o.pool() >> 20)
                        + " MiB (" + o.cost().outcome() + ")");
            }
        }
        assertTrue(holes.isEmpty(), "calls that allocate beyond what the pool covers:\n" + String.join("\n", holes));
    }

    /** Small calls on a large string, each allocating a few bytes; setup: a 2 Mi-character string. */
    private static Map<String, String> smallCalls() {
        String q = "var q = '\\u0100'.repeat(2097152); q.charCodeAt(0);\n";
        Map<String, String> calls = new LinkedHashMap<>();
        calls.put("match without /g", q + "var r = q.match(/\\u0100/); return r.length;");
        calls.put("split on a separator it does not hold", q + "var r = q.split('|'); return r.length;");
        calls.put("split with a limit of 2", q + "var r = q.split('', 2); return r.length;");
        calls.put("slice(0, 8)", q + "var r = q.slice(0, 8); return r.length;");
        calls.put("substring(0, 8)", q + "var r = q.substring(0, 8); return r.length;");
        calls.put("search", q + "var r = q.search(/x/); return r;");
        calls.put("replace of a character it does not hold", q + "var r = q.replace('x', 'y'); return r.length;");
        calls.put("indexOf", q + "var r = q.indexOf('x'); return r;");
        return calls;
    }

    /**
     * MEASURING: each small call runs with a pool that covers its setup plus two memory steps (8 MiB more than the run
     * has used), which is far more than the call allocates. An ahead estimate much larger than the call stops it.
     */
    @Test
    void measureSmallCallsUnderAPoolWithRoomForThem() throws Exception {
        StringBuilder table = new StringBuilder("\ncall | pool MiB | allocated MiB | outcome\n");
        for (Map.Entry<String, String> call : smallCalls().entrySet()) {
            Overshoot o = overshoot(call.getValue());
            table.append(String.format("%s | %.1f | %.1f | %s%n", call.getKey(), o.pool() / 1048576.0,
                    o.cost().allocated() / 1048576.0, o.cost().outcome()));
        }
        System.out.println(table);
        assertTrue(table.length() > 0);
    }

    /** A call that allocates next to nothing is not refused while the pool holds 8 MiB more than the run used. */
    @Test
    @Disabled("known limit (README, Memory): split (48 bytes a character even when nothing splits) and the"
            + " entry-checked string natives (4 bytes a character of this) reserve their upper bound, so a small call"
            + " on a large string is stopped with 503 when the pool has less room than that bound; non-global match"
            + " fixed")
    void smallCallsOnALargeStringAreNotStoppedByTheirEstimate() throws Exception {
        List<String> stopped = new ArrayList<>();
        for (Map.Entry<String, String> call : smallCalls().entrySet()) {
            Overshoot o = overshoot(call.getValue());
            if (!o.cost().outcome().startsWith("returned")) {
                stopped.add(call.getKey() + ": " + o.cost().outcome() + " with " + (o.pool() >> 20) + " MiB pool, "
                        + (o.cost().allocated() >> 20) + " MiB allocated");
            }
        }
        assertTrue(stopped.isEmpty(), "small calls stopped by their estimate:\n" + String.join("\n", stopped));
    }
}
