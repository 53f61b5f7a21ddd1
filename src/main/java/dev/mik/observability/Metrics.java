package dev.mik.observability;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Request counts and latency histograms per handler module and per script, in the Prometheus text format. Written
 * here rather than through MicroProfile Metrics because WildFly no longer ships it; the format is what Prometheus
 * scrapes either way. Only names that exist are recorded (unknown modules and bad names are not), so the series stay
 * bounded by what is deployed.
 */
@ApplicationScoped
public class Metrics {

    /** Upper bounds of the latency buckets, in seconds. */
    static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    public enum Kind { HANDLER, SCRIPT }

    private record Key(Kind kind, String name) {
    }

    private static final class Series {
        final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
        final AtomicLongArray buckets = new AtomicLongArray(BUCKETS.length + 1);
        final AtomicLong count = new AtomicLong();
        final AtomicLong sumNanos = new AtomicLong();
        volatile LastError lastError;
    }

    /** The latest failure of one name: its problem code, detail and when, as discovery shows it. */
    public record LastError(String code, String detail, String at) {
    }

    private final Map<Key, Series> series = new ConcurrentHashMap<>();
    private final Map<String, IntSupplier> gauges = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> longGauges = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();
    private final Map<Kind, Predicate<String>> present = new ConcurrentHashMap<>();

    public void record(Kind kind, String name, int status, long nanos) {
        Series s = series.computeIfAbsent(new Key(kind, name), key -> new Series());
        s.byStatus.computeIfAbsent(status, code -> new AtomicLong()).incrementAndGet();
        s.count.incrementAndGet();
        s.sumNanos.addAndGet(nanos);
        double seconds = nanos / 1e9;
        int bucket = 0;
        while (bucket < BUCKETS.length && seconds > BUCKETS[bucket]) {
            bucket++;
        }
        s.buckets.incrementAndGet(bucket);
    }

    /**
     * Names of {@code kind} still deployed: at every scrape, the series of a name no longer there (its file was
     * removed) are dropped, so a directory of short-lived modules does not grow the scrape without end.
     */
    public void dropSeriesUnless(Kind kind, Predicate<String> deployed) {
        present.put(kind, deployed);
    }

    /**
     * Runs of one name since start: how many, and the latency at the 50th and 99th percentile as the upper bound of
     * the histogram bucket it falls in (so "at most"; null when unknown), and its latest failure (null when none).
     */
    public record Summary(long requests, Double p50AtMostMs, Double p99AtMostMs, LastError lastError) {

        /** A name that has not run. */
        public static final Summary NONE = new Summary(0, null, null, null);
    }

    /** The {@link Summary} of {@code name}'s runs; {@link Summary#NONE} when it has none. */
    public Summary summary(Kind kind, String name) {
        Series s = series.get(new Key(kind, name));
        if (s == null) {
            return Summary.NONE;
        }
        long[] counts = new long[BUCKETS.length + 1];
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = s.buckets.get(i);
            total += counts[i];
        }
        return total == 0 ? new Summary(0, null, null, s.lastError)
                : new Summary(total, atMostMs(counts, total, 0.50), atMostMs(counts, total, 0.99), s.lastError);
    }

    /**
     * Notes the latest failure of a run of {@code name}, which {@link #record} counts too; a name that has no series
     * yet gets one, so call it only for names that exist.
     */
    public void failed(Kind kind, String name, String code, String detail) {
        series.computeIfAbsent(new Key(kind, name), key -> new Series()).lastError =
                new LastError(code, detail, Instant.now().toString());
    }

    /** The upper bound in ms of the bucket holding the {@code quantile}; null past the last bound. */
    private static Double atMostMs(long[] counts, long total, double quantile) {
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return BUCKETS[i] * 1000;
            }
        }
        return null;
    }

    /** A value read at scrape time, e.g. runs in flight. */
    public void gauge(String name, IntSupplier value) {
        gauges.put(name, value);
    }

    /** A value read at scrape time that may pass {@code Integer.MAX_VALUE}, e.g. bytes. */
    public void longGauge(String name, LongSupplier value) {
        longGauges.put(name, value);
    }

    /** A count that only grows, read at scrape time, e.g. heap-pressure events. */
    public void counter(String name, LongSupplier value) {
        counters.put(name, value);
    }

    /** One run refused before it started; {@code reason} is one of a few fixed words, e.g. "heap" or "memory". */
    public void refused(String reason) {
        refusals.computeIfAbsent(reason, key -> new AtomicLong()).incrementAndGet();
    }

    public String prometheusText() {
        series.keySet().removeIf(key -> !present.getOrDefault(key.kind(), name -> true).test(key.name()));
        StringBuilder out = new StringBuilder(4096);
        out.append("# HELP mik_requests_total Handler runs and script runs by final HTTP status.\n");
        out.append("# TYPE mik_requests_total counter\n");
        Map<Key, Series> sorted = new TreeMap<>((a, b) -> (a.kind() + a.name()).compareTo(b.kind() + b.name()));
        sorted.putAll(series);
        sorted.forEach((key, s) -> new TreeMap<>(s.byStatus).forEach((status, count) ->
                out.append("mik_requests_total{").append(labels(key)).append(",status=\"").append(status)
                        .append("\"} ").append(count.get()).append('\n')));
        out.append("# HELP mik_request_duration_seconds Latency of handler runs and script runs.\n");
        out.append("# TYPE mik_request_duration_seconds histogram\n");
        sorted.forEach((key, s) -> {
            long cumulative = 0;
            for (int i = 0; i <= BUCKETS.length; i++) {
                cumulative += s.buckets.get(i);
                String le = i < BUCKETS.length ? Double.toString(BUCKETS[i]) : "+Inf";
                out.append("mik_request_duration_seconds_bucket{").append(labels(key)).append(",le=\"").append(le)
                        .append("\"} ").append(cumulative).append('\n');
            }
            out.append("mik_request_duration_seconds_sum{").append(labels(key)).append("} ")
                    .append(String.format(Locale.ROOT, "%.6f", s.sumNanos.get() / 1e9)).append('\n');
            out.append("mik_request_duration_seconds_count{").append(labels(key)).append("} ")
                    .append(s.count.get()).append('\n');
        });
        new TreeMap<>(gauges).forEach((name, value) -> out.append("# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(value.getAsInt()).append('\n'));
        new TreeMap<>(longGauges).forEach((name, value) -> out.append("# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(value.getAsLong()).append('\n'));
        new TreeMap<>(counters).forEach((name, value) -> out.append("# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(value.getAsLong()).append('\n'));
        out.append("# HELP mik_refusals_total Runs refused before they started, by reason.\n");
        out.append("# TYPE mik_refusals_total counter\n");
        new TreeMap<>(refusals).forEach((reason, count) -> out.append("mik_refusals_total{reason=\"").append(reason)
                .append("\"} ").append(count.get()).append('\n'));
        return out.toString();
    }

    /** Module and script names are {@code [A-Za-z0-9_-]}, so they need no escaping in a label. */
    private static String labels(Key key) {
        return "kind=\"" + key.kind().name().toLowerCase(Locale.ROOT) + "\",name=\"" + key.name() + "\"";
    }
}
