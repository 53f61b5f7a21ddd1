package dev.mik.wasm;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** mik answers {@code fd_read} on stdin itself; the guest must not be able to tell it from Chicory's. */
class StdinTest {

    private static final long SEED = 1130L;
    private static final int PAGES = 2;
    private static final int IOVECS_AT = 0;
    private static final int READ_AT = 64;
    private static final int BUFFERS_FROM = 128;

    /**
     * A seeded corpus of bodies (empty to a few KiB) read by sequences of calls with one to four buffers of random
     * sizes (empty, small, the 64 KiB WAGI modules offer) until the end: after every call, the count and the whole
     * memory equal what Chicory's own {@code fd_read} leaves.
     */
    /**
     * A hostile guest's calls: iovec arrays and buffers anywhere (past the memory's end included), lengths up to
     * 2^32 - 1, counts up to 2^31 - 1. Whatever Chicory's own {@code fd_read} serves, ours serves the same, byte for
     * byte, and ours never refuses (traps) a call Chicory serves. Chicory refuses one kind of call ours serves: an
     * empty buffer at an address outside the memory (Chicory checks the address of a write of nothing). Ours writes
     * nothing there that a buffer inside the memory does not hold: every write goes through the memory's own bounds
     * check. (A buffer length of 2^31 or more, which Chicory makes a negative array size, ours refuses alike.)
     */
    @Test
    void hostileBuffersAreRefusedOrServedExactlyAsChicorysOwn() {
        Random random = new Random(SEED + 1);
        int size = PAGES * 65_536;
        for (int round = 0; round < 1_000; round++) {
            byte[] body = new byte[random.nextInt(300)];
            random.nextBytes(body);
            Memory theirs = new ByteArrayMemory(new MemoryLimits(PAGES, PAGES));
            Memory ours = new ByteArrayMemory(new MemoryLimits(PAGES, PAGES));
            int count = random.nextInt(4) == 0 ? random.nextInt(Integer.MAX_VALUE) : random.nextInt(5);
            int iovecs = random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(size);
            int readAt = random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(size);
            for (int i = 0; i < Math.min(count, 4); i++) {
                int at = iovecs + i * 8;
                if (at >= 0 && at <= size - 8) {
                    int buffer = random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(size);
                    // a hostile length is mostly 2^31 or more (negative here); one in 64 is a large positive one,
                    // for which Chicory's reference allocates a buffer of that size (up to 2 GiB a call)
                    int length = random.nextInt(3) != 0 ? random.nextInt(400)
                            : random.nextInt(64) != 0 ? Integer.MIN_VALUE | random.nextInt()
                            : random.nextInt(Integer.MAX_VALUE);
                    for (Memory memory : new Memory[] {theirs, ours}) {
                        memory.writeI32(at, buffer);
                        memory.writeI32(at + 4, length);
                    }
                }
            }
            String theirOutcome;
            try (WasiPreview1 chicory = WasiPreview1.builder().withLogger(new com.dylibso.chicory.log.SystemLogger())
                    .withOptions(WasiOptions.builder().withStdin(new ByteArrayInputStream(body)).build()).build()) {
                theirOutcome = outcome(() -> chicory.fdRead(theirs, 0, iovecs, count, readAt));
            }
            String ourOutcome = outcome(() -> (int) new Stdin(body).fdRead(ours, iovecs, count, readAt)[0]);
            String at = "round " + round + ": iovecs " + iovecs + ", count " + count + ", readAt " + readAt;
            if (!theirOutcome.startsWith("refused")) {
                assertEquals(theirOutcome, ourOutcome, at);
                assertArrayEquals(theirs.readBytes(0, size), ours.readBytes(0, size), at);
            }
        }
    }

    private static String outcome(java.util.function.IntSupplier call) {
        try {
            return "errno " + call.getAsInt();
        } catch (RuntimeException e) {
            return "refused (" + e.getClass().getSimpleName() + ")";
        }
    }

    @Test
    void everyReadLeavesTheMemoryExactlyAsChicorysOwnDoes() {
        Random random = new Random(SEED);
        for (int round = 0; round < 400; round++) {
            byte[] body = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(5_000)];
            random.nextBytes(body);
            Memory theirs = new ByteArrayMemory(new MemoryLimits(PAGES, PAGES));
            Memory ours = new ByteArrayMemory(new MemoryLimits(PAGES, PAGES));
            Stdin stdin = new Stdin(body);
            try (WasiPreview1 chicory = WasiPreview1.builder().withLogger(new com.dylibso.chicory.log.SystemLogger())
                    .withOptions(WasiOptions.builder().withStdin(new ByteArrayInputStream(body)).build()).build()) {
                for (int call = 0; call < 60; call++) {
                    int count = 1 + random.nextInt(4);
                    int free = BUFFERS_FROM;
                    for (int i = 0; i < count; i++) {
                        int length = random.nextInt(5) == 0 ? 65_536 - free - 1 : random.nextInt(3_000);
                        length = Math.max(0, Math.min(length, PAGES * 65_536 - free));
                        for (Memory memory : new Memory[] {theirs, ours}) {
                            memory.writeI32(IOVECS_AT + i * 8, free);
                            memory.writeI32(IOVECS_AT + i * 8 + 4, length);
                        }
                        free += length;
                    }
                    int theirErrno = chicory.fdRead(theirs, 0, IOVECS_AT, count, READ_AT);
                    long[] ourErrno = stdin.fdRead(ours, IOVECS_AT, count, READ_AT);
                    String at = "round " + round + ", call " + call;
                    assertEquals(theirErrno, ourErrno[0], at);
                    assertArrayEquals(theirs.readBytes(0, PAGES * 65_536), ours.readBytes(0, PAGES * 65_536), at);
                    if (theirs.readInt(READ_AT) == 0 && count > 0 && theirs.readInt(IOVECS_AT + 4) > 0) {
                        break; // the end, as the guest sees it
                    }
                }
            }
        }
    }
}
