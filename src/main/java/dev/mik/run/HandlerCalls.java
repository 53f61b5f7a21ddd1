package dev.mik.run;

/**
 * Where a script's {@code host.call} goes: {@link HandlerPool#execute(HandlerRequest, long)} for requests, or
 * {@link HandlerPool#rehearse(HandlerRequest, long)} for the warm-up's rehearsals.
 */
@FunctionalInterface
public interface HandlerCalls {

    /** Runs the handler, ending at {@code maxTimeoutMs} if that comes before the handler's own timeout. */
    HandlerResponse call(HandlerRequest request, long maxTimeoutMs);
}
