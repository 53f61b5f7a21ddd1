package dev.mik.testing;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Payara Micro in its own process serving the built WAR at {@code /} on a free loopback port, for integration tests
 * that need JVM options Arquillian's shared server does not have (a small heap) or the server's log. Closing it stops
 * the process.
 */
public final class MicroServer implements AutoCloseable {

    /**
     * The JIT flag every server a test starts runs with (arquillian.xml's {@code cmdOptions} too): only the quick
     * compiler. A test's server lives for one test class; on the 2-core CI machine optimising compiles cost its start
     * more than they gave back (a Payara Micro 6 start with mik: about 27 s, 15–17 s with this flag). The benchmark's
     * server runs without it.
     */
    public static final String QUICK_START = "-XX:TieredStopAtLevel=1";

    private static final Duration STARTUP = Duration.ofSeconds(240);

    private final Process process;
    private final Path log;
    private final URI base;

    private MicroServer(Process process, Path log, URI base) {
        this.process = process;
        this.log = log;
        this.base = base;
    }

    /**
     * @param jvmOptions e.g. {@code -Xmx512m}
     * @param config     {@code mik.*} settings, passed as system properties
     */
    public static MicroServer start(String name, List<String> jvmOptions, Map<String, Object> config)
            throws IOException, InterruptedException {
        return start(name, Path.of(System.getProperty("mik.war", "target/mik.war")), jvmOptions, config, List.of());
    }

    /**
     * @param deployment the WAR, or a directory holding it unpacked (with {@code --hotdeploy}, touching its
     *                   {@code .reload} file redeploys it in the running server)
     * @param microOptions more Payara Micro options, e.g. {@code --hotdeploy}
     */
    public static MicroServer start(String name, Path deployment, List<String> jvmOptions, Map<String, Object> config,
            List<String> microOptions) throws IOException, InterruptedException {
        String jarProperty = System.getProperty("payara.microJar");
        if (jarProperty == null) {
            throw new IllegalStateException("payara.microJar is not set: run the integration tests with mvn verify"
                    + " (-Ppayara7 for Payara 7), whose failsafe configuration names the Payara Micro jar");
        }
        Path jar = Path.of(jarProperty).toAbsolutePath();
        Path war = deployment.toAbsolutePath();
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        // the test JVM's own java, as the Arquillian adapter does: -Ppayara7 runs the test JVM on Java 25
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(QUICK_START); // as arquillian.xml's servers: a test's server lives for one test class
        command.addAll(jvmOptions);
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString(), "--deploy", war.toString(), "--contextroot", "/",
                "--port", String.valueOf(port), "--nocluster"));
        command.addAll(microOptions);
        Path log = Path.of(System.getProperty("mik.it.dir", "target/it")).toAbsolutePath()
                .resolve(name + "-server.log");
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        MicroServer server = new MicroServer(process, log, URI.create("http://127.0.0.1:" + port + "/"));
        try {
            server.awaitLive();
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Copies the files of {@code from} that end in {@code suffix} (e.g. the shipped {@code handlers/*.wasm}) into
     * {@code to}, replacing what is there, and answers their names without the suffix, sorted.
     */
    public static List<String> copyShipped(Path from, String suffix, Path to) throws IOException {
        Files.createDirectories(to);
        List<String> names = new ArrayList<>();
        try (java.util.stream.Stream<Path> shipped = Files.list(from)) {
            for (Path file : shipped.filter(path -> path.toString().endsWith(suffix)).sorted().toList()) {
                Files.copy(file, to.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                String name = file.getFileName().toString();
                names.add(name.substring(0, name.length() - suffix.length()));
            }
        }
        return names;
    }

    public URI base() {
        return base;
    }

    /** Everything the server has logged so far. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's process id, e.g. to attach to its JVM ({@link ServerJvm}). */
    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return log;
    }

    private void awaitLive() throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(base.resolve("_mik/health/ready")).timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Payara Micro exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Payara Micro was not ready within " + STARTUP.toSeconds() + " s; see " + log);
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
