package dev.mik.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WildFly's management model as an operator drives it: {@code jboss-cli.sh} of the server under test, connected to
 * its management port with the local user's silent authentication (same user, same machine). Only for tests run with
 * {@code -Pwildfly}, which sets {@code jboss.home} and {@code mik.wildfly.management.port}.
 */
public final class JbossCli {

    private static final Pattern RESULT = Pattern.compile("\"result\" => \"([^\"]*)\"");

    private JbossCli() {
    }

    /** Runs one CLI command or operation and answers its output; fails unless it succeeded. */
    public static String run(String command) throws IOException, InterruptedException {
        Path cli = Path.of(System.getProperty("jboss.home"), "bin", "jboss-cli.sh");
        Process process = new ProcessBuilder(List.of(cli.toString(), "--connect",
                "--controller=remote+http://127.0.0.1:" + System.getProperty("mik.wildfly.management.port"),
                "--timeout=30000", "--command=" + command)).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("jboss-cli did not finish: " + command);
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0 || text.contains("\"outcome\" => \"failed\"")) {
            throw new IllegalStateException("jboss-cli " + command + " failed (" + process.exitValue() + "): " + text);
        }
        return text;
    }

    /** The {@code result} string of an operation, e.g. an attribute read. */
    public static String result(String operation) throws IOException, InterruptedException {
        String output = run(operation);
        Matcher result = RESULT.matcher(output);
        if (!result.find()) {
            throw new IllegalStateException("no result from " + operation + ": " + output);
        }
        return result.group(1);
    }

    /** The process id of the server's JVM, from its runtime MBean's name ({@code pid@host}). */
    public static long serverPid() throws IOException, InterruptedException {
        String name = result("/core-service=platform-mbean/type=runtime:read-attribute(name=name)");
        return Long.parseLong(name.substring(0, name.indexOf('@')));
    }
}
