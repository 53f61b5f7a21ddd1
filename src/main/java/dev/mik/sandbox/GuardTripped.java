package dev.mik.sandbox;

/**
 * Thrown by a tripped {@link RunGuard} to unwind a script. JavaScript {@code catch} blocks see every Java
 * throwable, so the injected catch guard rethrows it; it carries no stack trace because it is thrown often.
 */
final class GuardTripped extends RuntimeException {

    private final AbortReason reason;

    GuardTripped(AbortReason reason) {
        super("script stopped: " + reason, null, false, false);
        this.reason = reason;
    }

    AbortReason reason() {
        return reason;
    }
}
