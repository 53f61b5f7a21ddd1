package dev.mik.sandbox;

/**
 * The trusted JavaScript that performs one run inside the hardened global: it parses the input and the
 * request text, builds the frozen {@code host} and {@code console} closures over the run's guard, calls the
 * compiled factory with the guard, and reports the returned value as JSON text. Only strings cross between
 * Java and the script; the guard is the one Java object, and only this code and the instrumented calls hold it.
 *
 * <p>Console messages are cut at {@link #MAX_LOG_LENGTH} characters; objects are logged as JSON.
 *
 * <p>{@code host.call(module, options)} never throws for a bad argument: a module that is not a string is
 * converted with {@code String(module)}, and options that are not an object (or null/undefined) reach the host
 * as JSON that is not an object, so the host's validation answers {@code {status: 400, error: "INVALID_NAME"}}
 * or {@code {status: 400, error: "BAD_REQUEST"}} as a result.
 */
final class RunnerScript {

    static final int MAX_LOG_LENGTH = 4_096;

    private RunnerScript() {
    }

    /**
     * A function of the internals {@link BuiltinCaps} returned, the longest console line ({@link #MAX_LOG_LENGTH}) and
     * the longest result ({@link BuiltinCaps#MAX_JSON_LENGTH}).
     */
    static String script() {
        return SCRIPT;
    }

    private static final String SCRIPT = SandboxResources.text("runner.js");
}
