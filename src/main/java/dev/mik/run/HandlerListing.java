package dev.mik.run;

import dev.mik.observability.Metrics;

import java.util.List;

/**
 * One module as {@code GET /_mik/handlers} shows it.
 *
 * @param compiled    whether its current file version runs compiled code (not yet loaded, still compiling, or
 *                    refused: false)
 * @param loadError   why its current file version was refused ({@code module-invalid}), or null
 * @param routes      the routes its {@code _routes} declared ({@code <route> <export>}, in the order they are tried),
 *                    or null when it declares none or is not loaded
 * @param breaker     its circuit: {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}; {@code CLOSED} before its first
 *                    load
 * @param p50AtMostMs latency percentiles since start as the upper bound of their histogram bucket; null before the
 *                    first run or past the last bucket (10 s)
 * @param lastError   its latest failed run, or null
 * @param openapi     whether a {@code <name>.openapi.json} is beside it: {@code present}, {@code absent} or
 *                    {@code invalid} (served at {@code /_mik/openapi/<name>})
 */
public record HandlerListing(String name, long size, String sha256, String lastModified, boolean compiled,
                             String loadError, List<String> routes, String breaker, long requests, Double p50AtMostMs,
                             Double p99AtMostMs, Metrics.LastError lastError, String openapi) {

    /** The listing the pool knows; the description's state is added by {@link #withOpenapi}. */
    public HandlerListing(String name, long size, String sha256, String lastModified, boolean compiled,
            String loadError, List<String> routes, String breaker, long requests, Double p50AtMostMs,
            Double p99AtMostMs, Metrics.LastError lastError) {
        this(name, size, sha256, lastModified, compiled, loadError, routes, breaker, requests, p50AtMostMs,
                p99AtMostMs, lastError, null);
    }

    public HandlerListing withOpenapi(String state) {
        return new HandlerListing(name, size, sha256, lastModified, compiled, loadError, routes, breaker, requests,
                p50AtMostMs, p99AtMostMs, lastError, state);
    }
}
