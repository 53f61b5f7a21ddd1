package dev.mik.wasm;

import com.dylibso.chicory.runtime.Memory;

import java.util.function.IntUnaryOperator;

/**
 * What a guest memory's growth is held to beyond its own maximum: the maximum the module declared, and its instance's
 * {@link MemoryAccount}, which pays for every grow from the pool. A grow the account refuses (cap or pool) fails like a
 * grow past the memory's maximum, and the refusal is remembered, so a handler that dies after running out of memory is
 * reported as a memory failure rather than a generic trap.
 *
 * @param declaredMaximumPages the maximum the module itself declared (the memory's own is lowered to the cap)
 */
record GrowthLimit(int declaredMaximumPages, MemoryAccount account) {

    /**
     * Grows {@code memory} by {@code size} pages through {@code grow} (the memory's own growth) once this limit allows
     * it; answers the previous size in pages, or -1.
     */
    int grow(Memory memory, int size, IntUnaryOperator grow) {
        if (size <= 0) {
            return grow.applyAsInt(size); // Chicory answers these itself: the current size, or -1
        }
        if (size > declaredMaximumPages - memory.pages()) {
            account.refuse("it asked for more than its memory's own maximum of "
                    + (long) declaredMaximumPages * InstanceFootprint.PAGE_BYTES + " bytes", false);
            return -1;
        }
        long bytes = (long) size * InstanceFootprint.PAGE_BYTES;
        if (!account.grow(bytes)) {
            return -1;
        }
        int previous = grow.applyAsInt(size);
        if (previous < 0) {
            account.giveBack(bytes);
        }
        return previous;
    }
}
