package dev.mik.wasm;

import com.dylibso.chicory.runtime.Instance;
import dev.mik.memory.MemoryPool;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an instance holds before it runs is counted in full: every memory, every table, against one cap. */
class InstanceFootprintTest {

    private static final long MIB = 1L << 20;
    private static final long CAP = 64 * MIB;
    private static final int PAGE = InstanceFootprint.PAGE_BYTES;

    private static CompiledModule fixture(String name) throws Exception {
        return ModuleCompiler.compile(Files.readAllBytes(Path.of("src/test/wasm", name + ".wasm")));
    }

    @Test
    void sixteenMemoriesAreCountedTogetherAndRefused() throws Exception {
        CompiledModule multimem = fixture("multimem");
        assertEquals(16 * (1024L * PAGE + 1024L * InstanceFootprint.DIRECTORY_SLOT_BYTES),
                multimem.footprint().bytes(CAP));
        var refused = assertThrows(MemoryLimitException.class, () -> PreparedInstance.initialBytes(multimem, CAP));
        assertTrue(refused.getMessage().contains("16 linear memories"), refused.getMessage());
        assertTrue(refused.getMessage().contains("mik.handler.memory-max-bytes"), refused.getMessage());
    }

    @Test
    void aHugeFixedTableIsCountedAndRefused() throws Exception {
        CompiledModule bigtable = fixture("bigtable");
        assertEquals(30_000_000L * InstanceFootprint.TABLE_SLOT_BYTES, bigtable.footprint().bytes(CAP));
        var refused = assertThrows(MemoryLimitException.class, () -> PreparedInstance.initialBytes(bigtable, CAP));
        assertTrue(refused.getMessage().contains("30000000 slots"), refused.getMessage());
    }

    @Test
    void prepareNeedsTheFootprintReserved() throws Exception {
        CompiledModule hello = ModuleCompiler.compile(Files.readAllBytes(Path.of("handlers/hello.wasm")));
        MemoryPool pool = new MemoryPool(CAP);
        MemoryPool.Reservation tooLittle = pool.tryReserve(PreparedInstance.initialBytes(hello, CAP) - 1);
        assertThrows(IllegalArgumentException.class, () -> PreparedInstance.prepare(hello, CAP, tooLittle));
    }

    /**
     * Seeded generated modules (0-4 memories, 0-3 fixed tables, random sizes and caps): the footprint's pages and
     * slots equal what Chicory itself instantiates, an instance is refused exactly when the footprint is above the
     * cap, and a prepared instance holds exactly its footprint from the pool.
     */
    @Test
    void footprintMatchesWhatChicoryBuildsForGeneratedModules() {
        Random random = new Random(9_2026);
        int refusedCount = 0;
        for (int n = 0; n < 300; n++) {
            int memories = random.nextInt(5);
            int tables = random.nextInt(4);
            int[] initial = new int[memories];
            int[] maximum = new int[memories];
            long[] slots = new long[tables];
            for (int i = 0; i < memories; i++) {
                initial[i] = random.nextInt(24);
                maximum[i] = random.nextBoolean() ? -1 : initial[i] + random.nextInt(2048);
            }
            for (int i = 0; i < tables; i++) {
                slots[i] = random.nextInt(4) == 0 ? random.nextInt(400_000) : random.nextInt(64);
            }
            long cap = (1 + random.nextInt(96)) * (long) PAGE;
            CompiledModule compiled = ModuleCompiler.compile(GeneratedModule.bytes(initial, maximum, slots));

            Instance plain = Instance.builder(compiled.module()).withStart(false).build();
            long chicoryBytes = 0;
            for (int i = 0; i < memories; i++) {
                chicoryBytes += (long) plain.memory(i).pages() * PAGE
                        + (long) InstanceFootprint.maximumPagesUnder(plain.memory(i).maximumPages(), cap)
                        * InstanceFootprint.DIRECTORY_SLOT_BYTES;
            }
            for (int i = 0; i < tables; i++) {
                chicoryBytes += (long) plain.table(i).size() * InstanceFootprint.TABLE_SLOT_BYTES;
            }
            long footprint = compiled.footprint().bytes(cap);
            assertEquals(chicoryBytes, footprint, "module " + n);

            if (footprint > cap) {
                refusedCount++;
                assertThrows(MemoryLimitException.class, () -> PreparedInstance.initialBytes(compiled, cap));
                continue;
            }
            MemoryPool pool = new MemoryPool(cap);
            MemoryPool.Reservation reservation = pool.tryReserve(PreparedInstance.initialBytes(compiled, cap));
            PreparedInstance prepared = PreparedInstance.prepare(compiled, cap, reservation);
            assertEquals(footprint, prepared.heldBytes());
            prepared.release();
            assertEquals(0, pool.inUse());
        }
        assertTrue(refusedCount > 20 && refusedCount < 280, "the corpus should hold both kinds: " + refusedCount);
    }

    @Test
    void garbageCollectedTypesAreRefused() {
        byte[] arrayType = GeneratedModule.withTypes(new byte[] {0x02, 0x5e, 0x7f, 0x01, 0x60, 0x00, 0x00}, 1);
        var refused = assertThrows(InvalidModuleException.class, () -> ModuleCompiler.compile(arrayType));
        assertTrue(refused.getMessage().contains("array type"), refused.getMessage());
    }

    /** A minimal command module (an empty {@code _start}) with the given memories and fixed tables. */
    static final class GeneratedModule {

        private static final byte[] HEADER = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

        static byte[] bytes(int[] initialPages, int[] maximumPages, long[] tableSlots) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(HEADER);
            section(out, 1, new byte[] {0x01, 0x60, 0x00, 0x00});
            section(out, 3, new byte[] {0x01, 0x00});
            if (tableSlots.length > 0) {
                ByteArrayOutputStream tables = new ByteArrayOutputStream();
                leb(tables, tableSlots.length);
                for (long slots : tableSlots) {
                    tables.write(0x70);
                    tables.write(0x01);
                    leb(tables, slots);
                    leb(tables, slots);
                }
                section(out, 4, tables.toByteArray());
            }
            if (initialPages.length > 0) {
                ByteArrayOutputStream memories = new ByteArrayOutputStream();
                leb(memories, initialPages.length);
                for (int i = 0; i < initialPages.length; i++) {
                    memories.write(maximumPages[i] < 0 ? 0x00 : 0x01);
                    leb(memories, initialPages[i]);
                    if (maximumPages[i] >= 0) {
                        leb(memories, maximumPages[i]);
                    }
                }
                section(out, 5, memories.toByteArray());
            }
            exportStartAndCode(out, 0);
            return out.toByteArray();
        }

        /** A module with the raw type section {@code types} whose {@code _start} has type {@code startType}. */
        static byte[] withTypes(byte[] types, int startType) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(HEADER);
            section(out, 1, types);
            section(out, 3, new byte[] {0x01, (byte) startType});
            exportStartAndCode(out, 0);
            return out.toByteArray();
        }

        private static void exportStartAndCode(ByteArrayOutputStream out, int function) {
            section(out, 7, new byte[] {0x01, 0x06, '_', 's', 't', 'a', 'r', 't', 0x00, (byte) function});
            section(out, 10, new byte[] {0x01, 0x02, 0x00, 0x0b});
        }

        private static void section(ByteArrayOutputStream out, int id, byte[] content) {
            out.write(id);
            leb(out, content.length);
            out.writeBytes(content);
        }

        private static void leb(ByteArrayOutputStream out, long value) {
            do {
                int b = (int) (value & 0x7f);
                value >>>= 7;
                out.write(value == 0 ? b : b | 0x80);
            } while (value != 0);
        }
    }
}
