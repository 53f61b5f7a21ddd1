package dev.mik.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What a benchmark run measures and where it finds the server, read once from {@code bench.*} system properties
 * (Maven passes {@code -Dbench.seconds=…} through to them).
 */
record BenchSettings(
        Path repo,
        Path buildDir,
        Path war,
        Path payaraMicroJar,
        Duration measure,
        Duration warmup,
        int rounds,
        List<Integer> connections,
        List<String> targets) {

    /** The README's checkout: a known customer, one item, paid by card. */
    static final String CHECKOUT_ORDER =
            "{\"token\":\"demo-token-alice\",\"items\":[{\"sku\":\"MUG-01\",\"qty\":2}],\"payment\":\"card\"}";

    static BenchSettings fromSystemProperties() {
        Path repo = Path.of(System.getProperty("bench.repo", ".")).toAbsolutePath().normalize();
        Path buildDir = Path.of(System.getProperty("bench.buildDir", repo.resolve("target").toString()));
        return new BenchSettings(
                repo,
                buildDir,
                Path.of(System.getProperty("bench.war", buildDir.resolve("mik.war").toString())),
                Path.of(System.getProperty("bench.payaraMicroJar", buildDir.resolve("payara-micro.jar").toString())),
                Duration.ofSeconds(Long.parseLong(System.getProperty("bench.seconds", "4"))),
                Duration.ofSeconds(Long.parseLong(System.getProperty("bench.warmupSeconds", "3"))),
                Integer.parseInt(System.getProperty("bench.rounds", "3")),
                list("bench.connections", "1,8").stream().map(Integer::valueOf).toList(),
                list("bench.targets", ""));
    }

    Path handlersDir() {
        return repo.resolve("handlers");
    }

    Path scriptsDir() {
        return repo.resolve("scripts");
    }

    int highestConnections() {
        return connections.stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    /** An empty {@code bench.targets} selects all; {@code baseline} selects every {@code baseline-…} target. */
    boolean selects(Target target) {
        return targets.isEmpty() || targets.stream()
                .anyMatch(wanted -> target.id().equals(wanted) || target.id().startsWith(wanted + "-"));
    }

    private static List<String> list(String key, String fallback) {
        return Arrays.stream(System.getProperty(key, fallback).split(","))
                .map(String::trim)
                .filter(value -> !value.isEmpty())
                .toList();
    }
}
