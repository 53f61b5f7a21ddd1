package dev.mik.http;

import dev.mik.testing.MikDeployment;
import dev.mik.testing.ServerTest;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sixth red team (2026-12-01), against the body filter mapped to every request: a path the container normalises
 * away from {@code /run} (its {@code %2E%2E} segments decoded and resolved) is still matched by JAX-RS to a module,
 * which then reads the body itself. Such a request must be held to the same read deadline as any other: a stalled
 * body answered 408 within {@code mik.request.read-timeout-ms}, not a request thread blocked on the network until the
 * container's own idle timeout.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class NormalisedPathBodyIT extends ServerTest {

    private static final long READ_TIMEOUT_MS = 2_000;
    /** How late an answer may be on a shared, busy 2-core machine. */
    private static final long SLACK_MS = 2_000;
    /** The first is the control: a path the container and JAX-RS agree on. */
    private static final List<String> PATHS = List.of("run/echo", "run/echo/%2E%2E/%2E%2E",
            "run/echo/%2e%2e/%2e%2e/elsewhere", "run/echo/.%2E/%2E./", "script/echo/%2E%2E/%2E%2E",
            "run/echo/x/%2E%2E");

    @ArquillianResource
    private URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return MikDeployment.named("normalised-path-body-it")
                .handler("echo")
                .config("mik.request.read-timeout-ms", READ_TIMEOUT_MS)
                .config("mik.request.max-bytes", 100_000)
                .war();
    }

    @Test
    void aStalledBodyIs408InTimeWhateverThePathNormalisesTo() throws Exception {
        List<String> served = new ArrayList<>();
        for (String path : PATHS) {
            String whole = "whole body for " + path;
            String answer;
            try (Socket socket = open()) {
                send(socket, head(path, whole.length()) + whole);
                answer = answer(socket);
            }
            if (!answer.startsWith("HTTP/1.1 200")) {
                System.out.printf("NormalisedPathBodyIT: %s is not served by the handler: %s%n", path,
                        answer.lines().findFirst().orElse(""));
                continue;
            }
            assertTrue(answer.contains(whole), path + ": " + answer);
            served.add(path);
            try (Socket stalled = open()) {
                long started = System.nanoTime();
                send(stalled, head(path, 1_000) + "only ten b");
                String late;
                try {
                    late = answer(stalled);
                } catch (SocketTimeoutException blocked) {
                    late = "no answer within " + (READ_TIMEOUT_MS + SLACK_MS) + " ms";
                }
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(late.startsWith("HTTP/1.1 408"), path + " (served by the handler whole): " + late);
                assertTrue(millis < READ_TIMEOUT_MS + SLACK_MS, path + ": " + millis + " ms");
            }
        }
        System.out.printf("NormalisedPathBodyIT: served by the handler: %s%n", served);
        // a whole body still reaches the handler on every path that is served (the filter passes them all on)
        try (Socket socket = open()) {
            send(socket, head("run/echo", 4) + "body");
            assertEquals("HTTP/1.1 200", answer(socket).substring(0, 12));
        }
    }

    private String head(String relative, int length) {
        String path = base.getPath() + (base.getPath().endsWith("/") ? "" : "/") + relative;
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: "
                + length + "\r\nConnection: close\r\n\r\n";
    }

    private Socket open() throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setSoTimeout((int) (READ_TIMEOUT_MS + SLACK_MS));
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** The status line, the headers and the body of Content-Length bytes (the server need not close first). */
    private static String answer(Socket socket) throws IOException {
        InputStream in = new BufferedInputStream(socket.getInputStream());
        StringBuilder text = new StringBuilder();
        int contentLength = 0;
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            text.append(line).append('\n');
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                contentLength = Integer.parseInt(line.substring(15).trim());
            }
        }
        return text + new String(in.readNBytes(contentLength), StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
