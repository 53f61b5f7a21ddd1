package dev.mik.bench;

import java.util.Map;

/** What a closed loop saw for one target at one concurrency: every completed request and how the failures split. */
record Measurement(Target target, int concurrency, double seconds, LatencySamples latencies,
                   Map<String, Integer> failures) {

    static final String IO_ERROR = "I/O error";

    int requests() {
        return latencies.count();
    }

    double requestsPerSecond() {
        return requests() / seconds;
    }

    /** Non-2xx answers plus requests that got no answer at all. */
    int failed() {
        return failures.values().stream().mapToInt(Integer::intValue).sum();
    }
}
