package dev.mik.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Payara Micro server in its own process, serving the given WARs on a free loopback port. Closing it (or the JVM
 * shutting down) always stops the process, so no server outlives a benchmark.
 */
final class PayaraMicroProcess implements AutoCloseable {

    private static final Pattern VERSION = Pattern.compile("Payara Micro (\\S+) \\(build (\\d+)\\)");
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final int LOG_TAIL_LINES = 30;

    private final Process process;
    private final Path log;
    private final URI uri;
    private final Thread shutdownHook;

    private PayaraMicroProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.uri = URI.create("http://127.0.0.1:" + port + "/");
        this.shutdownHook = new Thread(this::stop, "stop-payara-micro");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * @param scripts the scripts directory mik serves
     * @param cache   mik's compiled-code cache, kept between starts so a restart finds it warm
     * @param name    names the log file, {@code <buildDir>/<name>.log}
     */
    static PayaraMicroProcess start(BenchSettings settings, List<Path> wars, Path scripts, Path cache, String name)
            throws IOException {
        requireFile(settings.payaraMicroJar());
        wars.forEach(PayaraMicroProcess::requireFile);
        int port = freeLoopbackPort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dmik.handlers.dir=" + settings.handlersDir(),
                "-Dmik.scripts.dir=" + scripts,
                "-Dmik.cache.dir=" + cache,
                // issue #10's cold figures are taken with the script timeout a first checkout once missed
                "-Dmik.script.timeout-ms=3000"));
        // e.g. -Dbench.jvmArgs="-XX:StartFlightRecording=filename=/tmp/bench.jfr,settings=profile" to profile a run
        for (String option : System.getProperty("bench.jvmArgs", "").split(" ")) {
            if (!option.isBlank()) {
                command.add(option);
            }
        }
        command.addAll(List.of(
                "-jar", settings.payaraMicroJar().toString()));
        for (Path war : wars) {
            command.add("--deploy");
            command.add(war.toString());
        }
        command.addAll(List.of("--port", String.valueOf(port), "--nocluster"));
        Path log = settings.buildDir().resolve(name + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new PayaraMicroProcess(process, log, port);
    }

    URI uri() {
        return uri;
    }

    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    /** Polls each path until it answers 200, so every WAR is known to be deployed and serving. */
    void awaitReady(HttpClient client, List<String> paths, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String path : paths) {
            HttpRequest probe = HttpRequest.newBuilder(uri.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build();
            String last = "no answer";
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Payara Micro exited with code " + process.exitValue()
                            + " before it was ready; the end of " + log + ":\n" + logTail());
                }
                try {
                    int status = client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status == 200) {
                        break;
                    }
                    last = "HTTP " + status;
                } catch (IOException e) {
                    last = e.toString();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Payara Micro did not answer GET " + path + " with 200 within "
                            + timeout.toSeconds() + " s (last: " + last + "); the end of " + log + ":\n" + logTail());
                }
                Thread.sleep(POLL_INTERVAL.toMillis());
            }
        }
    }

    /** The exact version, as the server announces it once it is ready, e.g. {@code 6.2025.10 (build 42)}. */
    String version() {
        Matcher matcher = VERSION.matcher(readLog());
        return matcher.find() ? matcher.group(1) + " (build " + matcher.group(2) + ")" : "unknown (see " + log + ")";
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to run: it stops the server itself
        }
        stop();
    }

    private void stop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String readLog() {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    private String logTail() {
        List<String> lines = readLog().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UncheckedIOException(new IOException(file + " does not exist; build it first with mvn package"));
        }
    }
}
