package dev.mik.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Renders a benchmark's rows as a Markdown table, the ratios issue #10 sets targets for, and a CSV. */
final class ResultTable {

    private ResultTable() {
    }

    static String render(List<Wrk.Result> rows, Map<String, Double> cold) {
        StringBuilder table = new StringBuilder(
                "| target | request | connections | req/s | p50 ms | p90 ms | p99 ms | errors |\n"
                        + "|---|---|---|---|---|---|---|---|\n");
        for (Wrk.Result row : rows) {
            table.append(String.format(Locale.ROOT, "| %s | `%s` | %d | %.0f | %.2f | %.2f | %.2f | %d |%n",
                    row.target().group(), row.target().request(), row.connections(), row.requestsPerSecond(),
                    row.p50Ms(), row.p90Ms(), row.p99Ms(), row.non2xx() + row.socketErrors()));
        }
        table.append("\n| cold | ms |\n|---|---|\n");
        cold.forEach((what, millis) -> table.append(String.format(Locale.ROOT, "| %s | %.0f |%n",
                what.replace(" (ms)", ""), millis)));
        return table.toString();
    }

    /** mik echo and hello against the baseline at the most connections; checkout's p50 against GET's at one. */
    static String ratios(List<Wrk.Result> rows) {
        int most = rows.stream().mapToInt(Wrk.Result::connections).max().orElse(1);
        StringBuilder out = new StringBuilder("\n");
        ratio(rows, "mik-echo", "baseline-echo", most, true).ifPresent(r -> out.append(String.format(Locale.ROOT,
                "/run/echo req/s = %.2f x baseline echo at %d connections (issue #10 target: >= 0.7)%n", r, most)));
        ratio(rows, "mik-hello", "baseline-get", most, true).ifPresent(r -> out.append(String.format(Locale.ROOT,
                "/run/hello req/s = %.2f x baseline GET at %d connections (target: >= 0.5)%n", r, most)));
        ratio(rows, "mik-checkout", "baseline-get", 1, false).ifPresent(r -> out.append(String.format(Locale.ROOT,
                "/script/checkout p50 = %.1f x baseline GET p50 at 1 connection (target: <= 10)%n", r)));
        return out.toString();
    }

    private static Optional<Double> ratio(List<Wrk.Result> rows, String mik, String baseline, int connections,
                                          boolean throughput) {
        Optional<Wrk.Result> ours = find(rows, mik, connections);
        Optional<Wrk.Result> theirs = find(rows, baseline, connections);
        if (ours.isEmpty() || theirs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(throughput ? ours.get().requestsPerSecond() / theirs.get().requestsPerSecond()
                : ours.get().p50Ms() / theirs.get().p50Ms());
    }

    private static Optional<Wrk.Result> find(List<Wrk.Result> rows, String id, int connections) {
        return rows.stream().filter(row -> row.target().id().equals(id) && row.connections() == connections)
                .findFirst();
    }

    static String csv(List<Wrk.Result> rows, Map<String, Double> cold, String machine) {
        StringBuilder csv = new StringBuilder("# " + machine.replace('\n', ' ') + "\n"
                + "kind,name,request,connections,requests_per_sec,p50_ms,p90_ms,p99_ms,requests,errors,value_ms\n");
        for (Wrk.Result row : rows) {
            csv.append(String.format(Locale.ROOT, "warm,%s,%s,%d,%.1f,%.3f,%.3f,%.3f,%d,%d,%n", row.target().id(),
                    row.target().request(), row.connections(), row.requestsPerSecond(), row.p50Ms(), row.p90Ms(),
                    row.p99Ms(), row.requests(), row.non2xx() + row.socketErrors()));
        }
        cold.forEach((what, millis) -> csv.append(String.format(Locale.ROOT, "cold,%s,,,,,,,,,%.1f%n",
                what.replace(",", ";"), millis)));
        return csv.toString();
    }
}
