package dev.mik.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Request latencies in nanoseconds. A worker records into its own preallocated array (so recording allocates
 * nothing in the steady state); the workers' samples are then merged and sorted once, which makes the percentiles
 * exact rather than bucketed.
 */
final class LatencySamples {

    private static final double NANOS_PER_MILLI = 1_000_000.0;

    private long[] nanos;
    private int count;

    LatencySamples(int expected) {
        this.nanos = new long[expected];
    }

    private LatencySamples(long[] sorted) {
        this.nanos = sorted;
        this.count = sorted.length;
    }

    void record(long elapsedNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, nanos.length * 2);
        }
        nanos[count++] = elapsedNanos;
    }

    int count() {
        return count;
    }

    static LatencySamples mergeSorted(List<LatencySamples> parts) {
        long[] all = new long[parts.stream().mapToInt(LatencySamples::count).sum()];
        int offset = 0;
        for (LatencySamples part : parts) {
            System.arraycopy(part.nanos, 0, all, offset, part.count);
            offset += part.count;
        }
        Arrays.sort(all);
        return new LatencySamples(all);
    }

    /** Nearest-rank percentile of merged samples, in milliseconds. */
    double percentileMillis(double percentile) {
        if (count == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percentile / 100.0 * count);
        return nanos[Math.max(0, Math.min(count, rank) - 1)] / NANOS_PER_MILLI;
    }

    double maxMillis() {
        return count == 0 ? Double.NaN : nanos[count - 1] / NANOS_PER_MILLI;
    }
}
