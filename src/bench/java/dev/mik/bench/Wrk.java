package dev.mik.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives one target with {@code wrk} (the Debian package) for a fixed number of connections and seconds, one wrk
 * thread, and reads its summary: requests per second and the latency percentiles of {@code --latency}.
 */
final class Wrk {

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), "
            + "write (\\d+), timeout (\\d+)");

    private final Path workDir;

    Wrk(Path workDir) {
        this.workDir = workDir;
    }

    /** Fails with the install line when wrk is missing, before a server is started for nothing. */
    static void requireInstalled() {
        try {
            Process probe = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            probe.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the benchmark drives its load with wrk: apt-get install -y wrk", e);
        }
    }

    Result run(URI server, Target target, int connections, Duration duration) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t1", "-c" + connections,
                "-d" + duration.toSeconds() + "s", "--latency", "--timeout", "10s"));
        if (target.body() != null) {
            Path script = workDir.resolve("wrk-" + target.id() + ".lua");
            Files.writeString(script, "wrk.method = \"" + target.method() + "\"\n"
                    + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
                    + "wrk.body = " + luaString(target.body()) + "\n", StandardCharsets.UTF_8);
            command.addAll(List.of("-s", script.toString()));
        }
        command.add(server.resolve(target.path()).toString());
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!wrk.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
            throw new IllegalStateException("wrk failed on " + target.request() + ":\n" + output);
        }
        return new Result(target, connections, number(RATE, output), (long) number(REQUESTS, output),
                percentile(output, "50%"), percentile(output, "90%"), percentile(output, "99%"),
                (long) number(NON_2XX, output), socketErrors(output));
    }

    /** One row: what wrk measured for one target at one number of connections. */
    record Result(Target target, int connections, double requestsPerSecond, long requests, double p50Ms,
                  double p90Ms, double p99Ms, long non2xx, long socketErrors) {

        /** One row from the rounds of the same target and connections: each figure's median, the counts summed. */
        static Result median(List<Result> rounds) {
            Result first = rounds.get(0);
            return new Result(first.target(), first.connections(), median(rounds, Result::requestsPerSecond),
                    rounds.stream().mapToLong(Result::requests).sum(), median(rounds, Result::p50Ms),
                    median(rounds, Result::p90Ms), median(rounds, Result::p99Ms),
                    rounds.stream().mapToLong(Result::non2xx).sum(),
                    rounds.stream().mapToLong(Result::socketErrors).sum());
        }

        private static double median(List<Result> rounds, ToDoubleFunction<Result> figure) {
            double[] sorted = rounds.stream().mapToDouble(figure).sorted().toArray();
            int middle = sorted.length / 2;
            return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    private static double number(Pattern pattern, String output) {
        Matcher matcher = pattern.matcher(output);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private static long socketErrors(String output) {
        Matcher matcher = SOCKET_ERRORS.matcher(output);
        if (!matcher.find()) {
            return 0;
        }
        long errors = 0;
        for (int group = 1; group <= 4; group++) {
            errors += Long.parseLong(matcher.group(group));
        }
        return errors;
    }

    /** A line of wrk's latency distribution, e.g. {@code 50%  312.00us}, in milliseconds. */
    private static double percentile(String output, String label) {
        Matcher matcher = Pattern.compile("^\\s+" + Pattern.quote(label) + "\\s+([\\d.]+)(us|ms|s)\\s*$",
                Pattern.MULTILINE).matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + label + " latency in wrk's output:\n" + output);
        }
        double value = Double.parseDouble(matcher.group(1));
        return switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }

    private static String luaString(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                default -> quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
