package dev.mik.bench;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders measurements as a fixed-width table, with a note per row that had failures saying what they were. */
final class ResultTable {

    private static final String HEADER_FORMAT = "%-10s  %-%ds  %5s  %9s  %9s  %8s  %8s  %8s  %8s  %7s%n";
    private static final String ROW_FORMAT = "%-10s  %-%ds  %5d  %9d  %9.1f  %8.2f  %8.2f  %8.2f  %8.2f  %7d%n";

    private ResultTable() {
    }

    static String render(List<Measurement> measurements) {
        int requestWidth = measurements.stream().mapToInt(m -> m.target().request().length()).max().orElse(7);
        String header = HEADER_FORMAT.replace("%-%ds", "%-" + requestWidth + "s");
        String row = ROW_FORMAT.replace("%-%ds", "%-" + requestWidth + "s");
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, header, "target", "request", "conc",
                "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "non-2xx"));
        for (Measurement m : measurements) {
            LatencySamples latencies = m.latencies();
            table.append(String.format(Locale.ROOT, row, m.target().group(), m.target().request(), m.concurrency(),
                    m.requests(), m.requestsPerSecond(), latencies.percentileMillis(50),
                    latencies.percentileMillis(90), latencies.percentileMillis(99), latencies.maxMillis(),
                    m.failed()));
        }
        for (Measurement m : measurements) {
            if (m.failed() > 0) {
                table.append(String.format(Locale.ROOT, "  note: %s at concurrency %d failed with %s%n",
                        m.target().request(), m.concurrency(), describe(m)));
            }
        }
        return table.toString();
    }

    private static String describe(Measurement m) {
        return m.failures().entrySet().stream()
                .map(failure -> failure.getKey() + " x" + failure.getValue())
                .collect(Collectors.joining(", "));
    }
}
