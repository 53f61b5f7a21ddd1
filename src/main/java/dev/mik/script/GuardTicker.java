package dev.mik.script;

/**
 * Lets the hardened global's own helper loops (join, find, the JSON size counter ...) call the guard of the
 * run on the current thread. Held only inside the hardening script's closures; no script can name it.
 */
public final class GuardTicker {

    GuardTicker() {
    }

    public void tick() {
        RunGuard guard = RunGuard.current();
        if (guard != null) {
            guard.t();
        }
    }
}
