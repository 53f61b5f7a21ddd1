package dev.mik.wasm;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;

/**
 * The heap one instance of a module holds before its guest code runs, as mik counts it against
 * {@code mik.handler.memory-max-bytes} and reserves it from the memory pool: the initial pages of every linear
 * memory, the page directory Chicory makes for every memory, and the slots of every table. Memories that grow are
 * counted as they grow ({@link MemoryAccount}); tables cannot grow (growable tables are refused at load).
 *
 * <p>Object headers of the 64 KiB page buffers (about 0.1 %) are not counted.
 */
public final class InstanceFootprint {

    public static final int PAGE_BYTES = Memory.PAGE_SIZE;
    /**
     * Chicory's {@code TableInstance} keeps an {@code int} and an {@code Instance} reference per slot: 8 bytes with
     * compressed references, 12 without. Counted as 12.
     */
    public static final int TABLE_SLOT_BYTES = 12;
    /** Chicory's {@code ByteBufferMemory} allocates one buffer reference per page it may grow to, up front. */
    public static final int DIRECTORY_SLOT_BYTES = 8;

    private final int[] initialPages;
    private final int[] maximumPages;
    private final long tableSlots;
    private final int tables;

    private InstanceFootprint(int[] initialPages, int[] maximumPages, long tableSlots, int tables) {
        this.initialPages = initialPages;
        this.maximumPages = maximumPages;
        this.tableSlots = tableSlots;
        this.tables = tables;
    }

    /** What {@code module} declares; imported memories and tables are not counted (mik provides none). */
    public static InstanceFootprint of(WasmModule module) {
        int memories = module.memorySection().map(section -> section.memoryCount()).orElse(0);
        int[] initial = new int[memories];
        int[] maximum = new int[memories];
        for (int i = 0; i < memories; i++) {
            MemoryLimits limits = module.memorySection().get().getMemory(i).limits();
            initial[i] = limits.initialPages();
            maximum[i] = limits.maximumPages();
        }
        var tableSection = module.tableSection();
        long slots = 0;
        for (int i = 0; i < tableSection.tableCount(); i++) {
            slots += tableSection.getTable(i).limits().min();
        }
        return new InstanceFootprint(initial, maximum, slots, tableSection.tableCount());
    }

    /** Pages a memory may reach under {@code capBytes}: its own maximum or the cap, whichever is lower. */
    static int maximumPagesUnder(int declaredMaximum, long capBytes) {
        return (int) Math.min(Math.min(declaredMaximum, capBytes / PAGE_BYTES), Memory.RUNTIME_MAX_PAGES);
    }

    /** Bytes an instance made under {@code capBytes} holds before it runs. */
    public long bytes(long capBytes) {
        long total = tableSlots * TABLE_SLOT_BYTES;
        for (int i = 0; i < initialPages.length; i++) {
            total += (long) initialPages[i] * PAGE_BYTES
                    + (long) maximumPagesUnder(maximumPages[i], capBytes) * DIRECTORY_SLOT_BYTES;
        }
        return total;
    }

    /** The parts of {@link #bytes}, for an operator reading why a module was refused. */
    public String describe(long capBytes) {
        long pages = 0;
        for (int count : initialPages) {
            pages += count;
        }
        return initialPages.length + " linear memor" + (initialPages.length == 1 ? "y" : "ies") + " starting at "
                + pages * PAGE_BYTES + " bytes, " + tables + " table" + (tables == 1 ? "" : "s") + " of "
                + tableSlots + " slots in all (counted as " + TABLE_SLOT_BYTES + " bytes each), "
                + (bytes(capBytes) - pages * PAGE_BYTES - tableSlots * TABLE_SLOT_BYTES) + " bytes of page directories";
    }
}
