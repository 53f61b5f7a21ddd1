package dev.mik.sandbox;

/** How a script's {@code host.call(module, options)} reaches a handler. Only JSON text crosses it. */
@FunctionalInterface
public interface HostBridge {

    /**
     * @param module         the handler's name, as the script passed it
     * @param optionsJson    the script's options object as JSON text ({@code "{}"} when it passed none)
     * @param remainingNanos what is left of the run's deadline as the call starts; the call must end within it
     * @return a JSON object text {@code {status, headers, body, error?}}; failures are results, not exceptions
     */
    String call(String module, String optionsJson, long remainingNanos);
}
