package dev.mik.wasm;

import com.dylibso.chicory.runtime.ByteBufferMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.mik.memory.MemoryPool;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PagedMemory} against Chicory's own {@link ByteBufferMemory}: the same seeded sequences of every operation
 * (all widths, at and across page boundaries, in and out of bounds, grows, fills, overlapping copies) give the same
 * answers, the same failures and the same bytes. And recycled pages never show what a run wrote.
 */
class PagedMemoryTest {

    private static final int PAGE = InstanceFootprint.PAGE_BYTES;
    private static final int SEQUENCES = 300;
    private static final int OPERATIONS = 400;

    @Test
    void behavesExactlyLikeChicorysMemoryOnEveryOperation() {
        Random random = new Random(20261130);
        MemoryPool pool = new MemoryPool(256L << 20);
        PageCache cache = new PageCache(pool, 64L << 20);
        for (int sequence = 0; sequence < SEQUENCES; sequence++) {
            int initial = random.nextInt(3);
            int maximum = initial + random.nextInt(4);
            Memory theirs = new ByteBufferMemory(new MemoryLimits(initial, maximum));
            PagedMemory ours = new PagedMemory(initial, maximum, cache);
            List<String> trace = new ArrayList<>();
            for (int op = 0; op < OPERATIONS; op++) {
                Step step = step(random, Math.max(theirs.pages(), 1));
                trace.add(step.name);
                String expected = outcome(step.action, theirs);
                String actual = outcome(step.action, ours);
                int at = sequence;
                assertEquals(expected, actual, () -> "sequence " + at + " after " + trace);
            }
            assertEquals(theirs.pages(), ours.pages());
            int bytes = theirs.pages() * PAGE;
            assertArrayEquals(theirs.readBytes(0, bytes), ours.readBytes(0, bytes), "sequence " + sequence);
            ours.recycle();
        }
        assertTrue(cache.reused() > 0, "the sequences ran on recycled pages too");
    }

    /**
     * A paged memory holding its growth limit itself grows exactly as Chicory's memory behind {@link CappedMemory}
     * does: seeded grows against the module's maximum, the instance's cap and a small pool give the same answers, and
     * both accounts hold the same bytes and the same refusal.
     */
    @Test
    void aLimitHeldByThePagedMemoryGrowsLikeTheCappedWrapper() {
        Random random = new Random(20261201);
        PageCache cache = new PageCache(new MemoryPool(256L << 20), 64L << 20);
        for (int sequence = 0; sequence < 200; sequence++) {
            int initial = random.nextInt(3);
            int declaredMaximum = initial + random.nextInt(12);
            int cappedMaximum = initial + random.nextInt(declaredMaximum - initial + 1);
            long capBytes = (long) PAGE * (initial + random.nextInt(14));
            long poolBytes = (long) PAGE * (initial + 1 + random.nextInt(14));
            MemoryPool theirPool = new MemoryPool(poolBytes);
            MemoryPool ourPool = new MemoryPool(poolBytes);
            MemoryAccount theirAccount = new MemoryAccount(theirPool.tryReserve((long) initial * PAGE), capBytes);
            MemoryAccount ourAccount = new MemoryAccount(ourPool.tryReserve((long) initial * PAGE), capBytes);
            Memory theirs = new CappedMemory(new ByteBufferMemory(new MemoryLimits(initial, cappedMaximum)),
                    new GrowthLimit(declaredMaximum, theirAccount));
            PagedMemory ours = new PagedMemory(initial, cappedMaximum, cache,
                    new GrowthLimit(declaredMaximum, ourAccount));
            for (int grow = 0; grow < 8; grow++) {
                int more = random.nextInt(6) - 1;
                assertEquals(theirs.grow(more), ours.grow(more), "sequence " + sequence + " grow " + grow);
                assertEquals(theirs.pages(), ours.pages());
                assertEquals(theirAccount.held(), ourAccount.held());
                assertEquals(theirAccount.refusal(), ourAccount.refusal());
                assertEquals(theirAccount.refusedByPool(), ourAccount.refusedByPool());
            }
            ours.recycle();
        }
    }

    /** A memory made of recycled pages reads zeros everywhere, whatever the earlier memory wrote. */
    @Test
    void recycledPagesAreZeroWhenTakenAgain() {
        MemoryPool pool = new MemoryPool(64L << 20);
        PageCache cache = new PageCache(pool, 16L << 20);
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            PagedMemory memory = new PagedMemory(1 + random.nextInt(4), 40, cache);
            int bytes = memory.pages() * PAGE;
            byte[] before = memory.readBytes(0, bytes);
            assertTrue(allZero(before), "round " + round + " saw bytes of an earlier memory");
            memory.grow(random.nextInt(8));
            assertTrue(allZero(memory.readBytes(0, memory.pages() * PAGE)), "grown pages are zero in round " + round);
            memory.fill((byte) (1 + random.nextInt(255)), 0, memory.pages() * PAGE);
            memory.recycle();
            assertThrows(WasmRuntimeException.class, () -> memory.read(0), "a recycled memory is empty");
        }
        assertTrue(cache.reused() > 0);
    }

    /** What the cache keeps is reserved in the pool, as kept bytes, and goes back when reclaimed or cleared. */
    @Test
    void keptPagesAreReservedAndReclaimable() {
        MemoryPool pool = new MemoryPool(4L * PAGE);
        PageCache cache = new PageCache(pool, 3L * PAGE);
        PagedMemory memory = touched(new PagedMemory(4, 4, cache));
        memory.recycle();
        assertEquals(3L * PAGE, cache.bytes(), "kept up to its bound; the fourth page is left to the collector");
        assertEquals(3L * PAGE, pool.kept());
        assertEquals(0, pool.inUse());

        MemoryPool.Reservation run = pool.tryReserve(2L * PAGE);
        assertTrue(run != null, "a run gets the bytes the cache kept: the cache lets go of what is missing");
        assertEquals(2L * PAGE, cache.bytes());
        assertEquals(2L * PAGE, pool.kept());
        assertEquals(4L * PAGE, pool.reserved());
        run.close();

        assertEquals(2L * PAGE, cache.clear());
        assertEquals(0, pool.reserved());
    }

    /** A cache idle for the release time lets go of every page; one in use does not. */
    @Test
    void anIdleCacheLetsGo() throws InterruptedException {
        MemoryPool pool = new MemoryPool(8L * PAGE);
        PageCache cache = new PageCache(pool, 8L * PAGE);
        touched(new PagedMemory(2, 2, cache)).recycle();
        assertTrue(!cache.releaseIfIdle(60_000));
        assertEquals(2L * PAGE, cache.bytes());
        Thread.sleep(20);
        assertTrue(cache.releaseIfIdle(10));
        assertEquals(0, cache.bytes());
        assertEquals(0, pool.reserved());
    }

    /**
     * A page is taken when the run first touches it, not when the memory is made or grows: a memory holds only the
     * pages its run touched, and an untouched page reads as zeros all the same.
     */
    @Test
    void onlyTouchedPagesAreTaken() {
        MemoryPool pool = new MemoryPool(64L << 20);
        PageCache cache = new PageCache(pool, 16L << 20);
        touched(new PagedMemory(17, 17, cache)).recycle();
        assertEquals(17L * PAGE, cache.bytes());
        PagedMemory memory = new PagedMemory(17, 40, cache);
        memory.grow(3);
        assertEquals(0, memory.blocksTaken());
        memory.zero();
        assertEquals(0, memory.blocksTaken(), "zeroing a memory that is zeros takes nothing");
        memory.writeI32(16 * PAGE + 8, 42);
        assertEquals(0, memory.readInt(3 * PAGE + 100));
        memory.writeByte(19 * PAGE + PAGE - 1, (byte) 7);
        assertEquals(3, memory.blocksTaken());
        assertEquals(17L * PAGE - 3L * PagedMemory.BLOCK_BYTES, cache.bytes(),
                "each touch took one block of its page, not the page: " + cache.bytes());
        assertEquals(42, memory.readInt(16 * PAGE + 8));
        assertTrue(allZero(memory.readBytes(0, 3 * PAGE)), "an untouched page reads as zeros");
        memory.recycle();
        assertEquals(17L * PAGE, cache.bytes(), "the three touched pages came back to the cache");
    }

    /** Touches every page, so the memory holds them all. */
    private static PagedMemory touched(PagedMemory memory) {
        memory.fill((byte) 1, 0, memory.pages() * PAGE);
        return memory;
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private record Step(String name, Function<Memory, Object> action) {
    }

    /** The value an action answers, or the kind of failure it ends in. */
    private static String outcome(Function<Memory, Object> action, Memory memory) {
        try {
            Object value = action.apply(memory);
            return value instanceof byte[] bytes ? java.util.Arrays.toString(bytes) : Objects.toString(value);
        } catch (WasmRuntimeException e) {
            return "out of bounds";
        }
    }

    /** An address near a page or block boundary, inside, at the end or past the memory, or negative. */
    private static int address(Random random, int pages) {
        int block = PagedMemory.BLOCK_BYTES;
        return switch (random.nextInt(8)) {
            case 6 -> random.nextInt(pages * (PAGE / block)) * block - random.nextInt(9);
            case 7 -> random.nextInt(pages * (PAGE / block)) * block + random.nextInt(9);
            case 0 -> random.nextInt(pages) * PAGE - random.nextInt(9);
            case 1 -> random.nextInt(pages * PAGE);
            case 2 -> pages * PAGE - random.nextInt(12);
            case 3 -> pages * PAGE + random.nextInt(3 * PAGE);
            case 4 -> -1 - random.nextInt(16);
            default -> random.nextInt(pages) * PAGE + random.nextInt(9);
        };
    }

    private static Step step(Random random, int pages) {
        int addr = address(random, pages);
        long value = random.nextLong();
        int length = random.nextInt(4) == 0 ? random.nextInt(3 * PAGE) : random.nextInt(40);
        int other = address(random, pages);
        int near = addr + random.nextInt(2 * 40 + 1) - 40;
        return switch (random.nextInt(22)) {
            case 0 -> new Step("writeByte " + addr, m -> {
                m.writeByte(addr, (byte) value);
                return null;
            });
            case 1 -> new Step("read " + addr, m -> m.read(addr));
            case 2 -> new Step("writeShort " + addr, m -> {
                m.writeShort(addr, (short) value);
                return null;
            });
            case 3 -> new Step("readShort " + addr, m -> m.readShort(addr) + "/" + m.readU16(addr));
            case 4 -> new Step("writeI32 " + addr, m -> {
                m.writeI32(addr, (int) value);
                return null;
            });
            case 5 -> new Step("readInt " + addr, m -> m.readInt(addr) + "/" + m.readF32(addr) + "/" + m.readU32(addr));
            case 6 -> new Step("writeLong " + addr, m -> {
                m.writeLong(addr, value);
                return null;
            });
            case 7 -> new Step("readLong " + addr, m -> m.readLong(addr) + "/" + m.readF64(addr));
            case 8 -> new Step("writeF32 " + addr, m -> {
                m.writeF32(addr, Float.intBitsToFloat((int) value));
                return null;
            });
            case 9 -> new Step("readFloat " + addr, m -> Float.floatToRawIntBits(m.readFloat(addr)));
            case 10 -> new Step("writeF64 " + addr, m -> {
                m.writeF64(addr, Double.longBitsToDouble(value));
                return null;
            });
            case 11 -> new Step("readDouble " + addr, m -> Double.doubleToRawLongBits(m.readDouble(addr)));
            case 12 -> new Step("write " + addr + "+" + length, m -> {
                byte[] data = new byte[length];
                new Random(value).nextBytes(data);
                m.write(addr, data, 0, length);
                return null;
            });
            case 13 -> new Step("readBytes " + addr + "+" + length, m -> m.readBytes(addr, Math.min(length, 64)));
            case 14 -> new Step("fill " + addr + "+" + length, m -> {
                m.fill((byte) value, addr, addr + length);
                return null;
            });
            case 15 -> new Step("copy " + other + "<-" + addr + "+" + length, m -> {
                m.copy(other, addr, length);
                return null;
            });
            case 16 -> new Step("copy " + near + "<-" + addr + "+" + length, m -> {
                m.copy(near, addr, length);
                return null;
            });
            case 17 -> {
                int more = random.nextInt(3) - (random.nextInt(10) == 0 ? 1 : 0);
                yield new Step("grow " + more, m -> m.grow(more) + "/" + m.pages());
            }
            case 18 -> new Step("pages", Memory::pages);
            case 19 -> new Step("write offset " + addr, m -> {
                byte[] data = new byte[64];
                int from = (int) (value & 0x7F) - 16;
                m.write(addr, data, from, 8);
                return null;
            });
            case 20 -> new Step("readBytes long " + addr, m -> java.util.Arrays.hashCode(m.readBytes(addr, length)));
            default -> new Step("maximum", m -> m.maximumPages() + "/" + m.initialPages() + "/" + m.shared());
        };
    }
}
