package dev.mik.wasm;

import dev.mik.memory.MemoryPool;

/**
 * The bytes one instance holds, reserved from the memory pool and bounded by its cap
 * ({@code mik.handler.memory-max-bytes}, all memories and tables together). It starts at the instance's
 * {@link InstanceFootprint} and grows with every {@code memory.grow}; a growth past the cap, or one the pool cannot
 * give, is refused at once and remembered, so the trap that follows is reported as {@code memory-limit}.
 */
final class MemoryAccount implements AutoCloseable {

    private final MemoryPool.Reservation reservation;
    private final long capBytes;
    private volatile String refusal;
    private volatile boolean refusedByPool;

    /** @param reservation already holds the instance's footprint; this account owns it from now on */
    MemoryAccount(MemoryPool.Reservation reservation, long capBytes) {
        this.reservation = reservation;
        this.capBytes = capBytes;
    }

    long held() {
        return reservation.held();
    }

    /** Takes {@code bytes} more for a growing memory; false (and the refusal remembered) when it may not have them. */
    synchronized boolean grow(long bytes) {
        long held = reservation.held();
        if (bytes > capBytes - held) {
            refuse("its memories and tables would need " + (held + bytes) + " bytes, above the limit of " + capBytes
                    + " (mik.handler.memory-max-bytes)", false);
            return false;
        }
        if (!reservation.grow(bytes)) {
            refuse("the server's memory pool could not give it " + bytes + " more bytes while other runs hold it"
                    + " (mik.memory.pool-percent)", true);
            return false;
        }
        return true;
    }

    /** Gives back bytes a growth did not use after all. */
    synchronized void giveBack(long bytes) {
        reservation.resize(reservation.held() - bytes);
    }

    /** Remembers the first refusal only: it is the one that explains the failure. */
    synchronized void refuse(String why, boolean byPool) {
        if (refusal == null) {
            refusal = why;
            refusedByPool = byPool;
        }
    }

    /** Why the first refused growth was refused, or null when none was. */
    String refusal() {
        return refusal;
    }

    /** Whether the first refusal came from the pool (other runs held the memory) rather than a limit. */
    boolean refusedByPool() {
        return refusedByPool;
    }

    @Override
    public void close() {
        reservation.close();
    }
}
