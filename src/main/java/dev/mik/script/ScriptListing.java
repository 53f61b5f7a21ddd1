package dev.mik.script;

import dev.mik.observability.Metrics;

import java.util.List;

/**
 * One script as {@code GET /_mik/scripts} shows it.
 *
 * @param compileError why its current version does not compile, or null
 * @param hostCalls    the modules its {@code host.call}s name as string literals, each present in the handlers
 *                     directory or not; empty until it has compiled once
 * @param p50AtMostMs  latency percentiles since start as the upper bound of their histogram bucket; null before
 *                     the first run or past the last bucket (10 s)
 * @param lastError    its latest failed run, or null
 */
public record ScriptListing(String name, long size, String sha256, String lastModified, boolean compiled,
                            String compileError, List<Target> hostCalls, long requests, Double p50AtMostMs,
                            Double p99AtMostMs, Metrics.LastError lastError) {

    /** A module a script calls, and whether the handlers directory has it. */
    public record Target(String module, boolean present) {
    }
}
