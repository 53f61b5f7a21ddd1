package dev.mik.wasm;

import dev.mik.memory.MemoryPool;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fourth red team (2026-12-01), against unshared memories holding their growth limit themselves (GrowthLimit in
 * PagedMemory instead of the CappedMemory wrapper), through a real module (src/test/wasm/growedges.wat): memory.grow
 * of 0, -1, 0x7fffffff, 0x80000000 and 65,536 pages, then one page at a time until refused, under the instance's cap
 * and under a pool smaller than the cap; fill, copy and store at and one byte past the end. Held.
 */
class GrowthLimitRedTeamTest {

    private static final int PAGE = 65_536;
    private static final CompiledModule EDGES = compile();

    @Test
    void edgeGrowsAreRefusedAndOnePageGrowsStopAtTheCap() {
        for (long cap : new long[] {1L << 20, (1L << 20) + PAGE / 2, 3L << 20}) {
            MemoryPool pool = new MemoryPool(1L << 30);
            int[] answers = run(pool, cap, "_start");
            int grown = answers[5];
            assertArrayEquals(new int[] {1, -1, -1, -1, -1}, java.util.Arrays.copyOf(answers, 5), cap + "");
            assertEquals(1 + grown, answers[6]);
            long footprint = PreparedInstance.initialBytes(EDGES, cap) - PAGE;
            assertTrue((long) answers[6] * PAGE + footprint <= cap, "grew to " + answers[6] + " pages under " + cap);
            assertTrue((long) (answers[6] + 1) * PAGE + footprint > cap, "stopped early at " + answers[6]);
            assertEquals(0xabab, answers[7]);
            assertEquals(0, pool.reserved(), "the pool got everything back");
        }
    }

    /** A pool smaller than the cap refuses first; nothing is held past it. */
    @Test
    void aSmallPoolStopsGrowthAtWhatItHas() {
        long cap = 16L << 20;
        long poolBytes = PreparedInstance.initialBytes(EDGES, cap) + 5L * PAGE + 100;
        MemoryPool pool = new MemoryPool(poolBytes);
        int[] answers = run(pool, cap, "_start");
        assertEquals(6, answers[6], "pages with a pool of 5 pages more than the start");
        assertEquals(0, pool.reserved());
    }

    @Test
    void touchingOneBytePastTheLimitTrapsAndHoldsNothingMore() {
        for (String export : List.of("fillpast", "copypast", "storepast")) {
            MemoryPool pool = new MemoryPool(1L << 30);
            long cap = 1L << 20;
            PreparedInstance instance = prepare(pool, cap);
            try {
                assertThrows(HandlerFailureException.class,
                        () -> instance.run(new CommandInput(Map.of(), List.of("x"), new byte[0]), export, 1 << 10),
                        export);
                assertTrue(instance.heldBytes() <= cap, export + " holds " + instance.heldBytes());
            } finally {
                instance.release();
            }
            assertEquals(0, pool.reserved(), export);
        }
    }

    private static int[] run(MemoryPool pool, long cap, String export) {
        PreparedInstance instance = prepare(pool, cap);
        try {
            byte[] out = instance.run(new CommandInput(Map.of(), List.of("x"), new byte[0]), export, 1 << 10).stdout();
            assertTrue(instance.heldBytes() <= cap, "holds " + instance.heldBytes() + " under " + cap);
            int[] answers = new int[out.length / 4];
            ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(answers);
            return answers;
        } finally {
            instance.release();
        }
    }

    private static PreparedInstance prepare(MemoryPool pool, long cap) {
        return PreparedInstance.prepare(EDGES, cap, pool.tryReserve(PreparedInstance.initialBytes(EDGES, cap)));
    }

    private static CompiledModule compile() {
        try {
            return ModuleCompiler.compile(Files.readAllBytes(Path.of("src/test/wasm/growedges.wasm")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
