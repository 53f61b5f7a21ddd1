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
