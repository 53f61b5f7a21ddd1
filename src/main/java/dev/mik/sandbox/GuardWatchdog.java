package dev.mik.sandbox;

import dev.mik.watch.Watchdog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.logging.Logger;

/** The {@link Watchdog} of running scripts: polls their guards, and trips the heaviest when the heap is short. */
final class GuardWatchdog extends Watchdog<RunGuard> {

    private static final Logger LOG = Logger.getLogger(GuardWatchdog.class.getName());

    GuardWatchdog(ScheduledExecutorService scheduler) {
        this(scheduler, RunGuard::poll);
    }

    /** @param poll what one poll does to a guard; tests substitute one that fails */
    GuardWatchdog(ScheduledExecutorService scheduler, Consumer<RunGuard> poll) {
        super("Script watchdog", LOG, scheduler, poll);
    }

    /**
     * Trips the {@code count} running scripts that allocated the most with {@code reason}, e.g. when the heap is
     * under pressure; returns how many were tripped.
     */
    int tripHeaviest(int count, AbortReason reason) {
        List<RunGuard> heaviest = new ArrayList<>(watched());
        heaviest.removeIf(guard -> guard.tripped() != null);
        heaviest.sort(Comparator.comparingLong(RunGuard::allocatedByScript).reversed());
        int tripped = 0;
        for (RunGuard guard : heaviest.subList(0, Math.min(count, heaviest.size()))) {
            guard.trip(reason);
            tripped++;
        }
        return tripped;
    }
}
