package dev.mik.http;

import dev.mik.testing.Http;
import dev.mik.testing.MikDeployment;
import dev.mik.testing.ServerTest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Red team for request-body reading ({@link BodyBufferFilter}, {@link BodyReader}) as a hostile HTTP client sees it,
 * over raw sockets: seeded generated request shapes (bodies cut at random bytes and sent in pieces with pauses,
 * chunked with trailers and extensions, {@code Expect: 100-continue}, pipelined, too large, short, stalled, malformed,
 * abandoned at any byte), each answer checked against invariants that hold for every shape, then the memory pool's
 * reservations checked to be all back. The invariants: an answer comes (or the connection closes) within
 * {@code mik.request.read-timeout-ms} plus slack; it is a status the shape allows, and every error with a body is
 * problem+json; a 200 echoes its own request's body; after an answer that closes the connection nothing more is
 * answered on it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BodyReadRedTeamIT extends ServerTest {

    private static final int MAX_BYTES = 100_000;
    private static final long READ_TIMEOUT_MS = 2_000;
    /** Short, so ready handler instances give their memory back and the pool's idle value is zero. */
    private static final long IDLE_RELEASE_MS = 1_000;
    /** How late an answer may be on a shared, busy 2-core machine. */
    private static final long SLACK_MS = 2_000;
    /** How long a connection that was told {@code Connection: close} is watched for a further answer. */
    private static final int AFTER_CLOSE_WATCH_MS = 300;
    private static final int CLIENTS = 8;
    private static final int CONNECTIONS = 320;
    private static final long FIRST_SEED = 20_261_130;
    /** Sizes at the edges of the reader's buffers (16 KiB first capacity, 64 KiB reservation step) and the limit. */
    private static final int[] EDGE_SIZES = {0, 1, 16_383, 16_384, 16_385, 65_535, 65_536, 65_537, MAX_BYTES - 1,
        MAX_BYTES};
    /** A chunk size line that is not hex, where a chunk should start. */
    private static final byte[] BAD_CHUNK_SIZE = "zz\r\nhello\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** The most chunks a generated body is cut into (see {@link #chunkSizes}). */
    private static final int MOST_CHUNKS = 5_000;
    private static final Pattern RESERVED = Pattern.compile("(?m)^mik_memory_reserved_bytes (\\d+)$");

    @ArquillianResource
    private URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return MikDeployment.named("body-read-red-team-it")
                .handler("echo").handler("hello")
                .config("mik.request.read-timeout-ms", READ_TIMEOUT_MS)
                .config("mik.request.max-bytes", MAX_BYTES)
                .config("mik.pool.idle-release-ms", IDLE_RELEASE_MS)
                .war();
    }

    /** How one request ended, as the client saw it. */
    enum Outcome {
        OWN_BODY, BAD_REQUEST, TIMEOUT, TOO_LARGE, OVERLOADED,
        /** An empty 400 from the container's own HTTP parser, before mik sees the request. */
        CONTAINER_400,
        /** The connection closed (or was reset) before a status line. */
        CLOSED,
        /** The client closed without reading: nothing to check but the pool. */
        UNREAD
    }

    /** What the client does after its last byte. */
    enum Ending {
        READ, HALF_CLOSE_THEN_READ, CLOSE_UNREAD, RESET_UNREAD
    }

    /** One generated request: its bytes, where they are cut into writes, the pause before each piece. */
    record Shape(String name, byte[] bytes, String body, int[] cuts, int[] pausesMs, Ending ending,
            Set<Outcome> allowed) {

        boolean keepsAlive() {
            return ending == Ending.READ && allowed.equals(EnumSet.of(Outcome.OWN_BODY));
        }
    }

    /**
     * A short request sent in two writes cut at every byte (headers included), pausing between them so that the
     * second part arrives on the request thread or after the request went asynchronous; each answered with its own
     * body on one keep-alive connection.
     */
    @Test
    void aRequestCutAtEveryByteIsAnsweredWithItsOwnBody() throws Exception {
        String body = "every-byte-" + "x".repeat(29);
        List<byte[]> requests = List.of(
                request("Content-Length: " + body.length(), body.getBytes(StandardCharsets.US_ASCII)),
                request("Transfer-Encoding: chunked", chunked(body.getBytes(StandardCharsets.US_ASCII), new int[] {7, 1,
                    20, 100}, true, false)));
        Random pauses = new Random(FIRST_SEED);
        Socket socket = null;
        InputStream in = null;
        int answered = 0;
        try {
            for (byte[] whole : requests) {
                for (int cut = 1; cut < whole.length; cut++) {
                    if (socket == null) {
                        socket = open();
                        in = new BufferedInputStream(socket.getInputStream());
                    }
                    write(socket, whole, 0, cut);
                    Thread.sleep(pauses.nextInt(12));
                    write(socket, whole, cut, whole.length);
                    RawReply reply = RawReply.read(in);
                    int at = cut;
                    assertEquals(200, reply.status(), () -> (whole == requests.get(0) ? "length" : "chunked")
                            + " request cut at byte " + at + ": " + reply);
                    assertEquals(body, reply.echoedBody(), "cut at byte " + at);
                    answered++;
                    if (reply.closes()) {
                        socket.close();
                        socket = null;
                    }
                }
            }
        } finally {
            if (socket != null) {
                socket.close();
            }
        }
        System.out.printf("BodyReadRedTeamIT: %d requests cut at every byte, each answered with its own body%n",
                answered);
    }

    /**
     * The storm: {@value #CONNECTIONS} generated connections (fixed seeds) over {@value #CLIENTS} clients, every
     * request checked against the invariants; then every byte reserved for a body is back in the pool.
     */
    @Test
    void hostileRequestShapesGetDefinedAnswersInTimeAndGiveEveryReservationBack() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        Map<String, Integer> seen = Collections.synchronizedMap(new TreeMap<>());
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                long seed = FIRST_SEED + c;
                runs.add(clients.submit(() -> {
                    runConnection(seed, seen, violations);
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(5, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
        }
        System.out.printf("BodyReadRedTeamIT: %d connections in %d ms; shape -> outcome counts: %s%n", CONNECTIONS,
                (System.nanoTime() - started) / 1_000_000, seen);
        assertTrue(violations.isEmpty(), violations.size() + " violations, first ones:\n"
                + String.join("\n", violations.subList(0, Math.min(20, violations.size()))));
        assertReservedReturnsToZero();
        assertEquals(200, http.get("run/hello").status(), "the server keeps serving");
    }

    /**
     * A declared length over the limit is refused before a byte is read, and the refusal must not wait for the body:
     * more stalled clients than WildFly has worker threads (16 per core), then a GET must still be answered at once.
     */
    @Test
    void declaredLengthsOverTheLimitHoldNoThreadWhileTheirClientsStall() throws Exception {
        int stalled = 40;
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < stalled; i++) {
                Socket socket = open();
                write(socket, head("Content-Length: " + (MAX_BYTES + 1)));
                sockets.add(socket);
            }
            Http.Reply hello = http.get("run/hello");
            assertEquals(200, hello.status());
            assertTrue(hello.millis() < SLACK_MS, "a GET beside " + stalled + " stalled over-limit bodies took "
                    + hello.millis() + " ms");
            for (Socket socket : sockets) {
                RawReply reply = RawReply.read(new BufferedInputStream(socket.getInputStream()));
                assertEquals(Outcome.TOO_LARGE, classify(reply, null), reply::toString);
                assertTrue(reply.closes(), reply::toString);
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /**
     * Bytes a stalled body holds are counted in the memory pool while it waits: every reader that holds part of a
     * body has reserved at least that part (otherwise a crowd of half-sent bodies fills the heap unseen by the pool).
     */
    @Test
    void halfSentBodiesAreCountedInThePoolWhileTheyWait() throws Exception {
        int stalled = 20;
        int sent = 8_000;
        assertReservedReturnsToZero();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < stalled; i++) {
                Socket socket = open();
                write(socket, request("Content-Length: 50000", new byte[sent]));
                sockets.add(socket);
            }
            Thread.sleep(300);
            long reserved = reserved();
            System.out.printf("BodyReadRedTeamIT: %d half-sent bodies of %d bytes each: %d bytes reserved%n",
                    stalled, sent, reserved);
            assertTrue(reserved >= (long) stalled * sent, reserved + " bytes reserved for " + stalled
                    + " stalled bodies of " + sent + " bytes each");
            for (Socket socket : sockets) {
                RawReply reply = RawReply.read(new BufferedInputStream(socket.getInputStream()));
                assertEquals(Outcome.TIMEOUT, classify(reply, null), reply::toString);
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        assertReservedReturnsToZero();
    }

    /**
     * A body of {@value #MAX_BYTES} one-byte chunks (600 KB on the wire) sent in one write. WildFly reads it whole;
     * Payara (measured: from about 30,000 chunks on) stops telling the reader about data it has already received, and
     * the read ends at the deadline: this test holds both to a defined answer in time, and prints which one came.
     */
    @Test
    void aBodyOfManyTinyChunksGetsADefinedAnswerInTime() throws Exception {
        byte[] body = body(new Random(FIRST_SEED), "tiny-chunks-", MAX_BYTES);
        try (Socket socket = open()) {
            long started = System.nanoTime();
            write(socket, request("Transfer-Encoding: chunked", chunked(body, new int[] {1}, false, false)));
            RawReply reply = RawReply.read(new BufferedInputStream(socket.getInputStream()));
            long millis = (System.nanoTime() - started) / 1_000_000;
            Outcome outcome = classify(reply, new String(body, StandardCharsets.US_ASCII));
            System.out.printf("BodyReadRedTeamIT: %d one-byte chunks: %s after %d ms%n", MAX_BYTES, outcome, millis);
            assertTrue(outcome == Outcome.OWN_BODY || outcome == Outcome.TIMEOUT, reply::toString);
            assertTrue(millis < READ_TIMEOUT_MS + SLACK_MS, millis + " ms");
        }
    }

    /**
     * One connection: its requests in turn, each checked; a third of those that keep the connection alive have the
     * next request pipelined behind them in the same write. Stops at the first answer that ends the connection.
     */
    private void runConnection(long seed, Map<String, Integer> seen, List<String> violations) throws Exception {
        Random random = new Random(seed);
        int requests = 1 + random.nextInt(4);
        try (Socket socket = open()) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < requests; i++) {
                Shape shape = generate(random, "s" + seed + "r" + i + "-");
                Shape next = shape.keepsAlive() && i + 1 < requests && random.nextInt(3) == 0
                        ? generate(random, "s" + seed + "r" + (i + 1) + "-") : null;
                Shape sent = next == null ? shape : pipelined(shape, next);
                long began = System.nanoTime();
                boolean writeFailed = send(socket, sent);
                boolean unread = sent.ending() == Ending.CLOSE_UNREAD || sent.ending() == Ending.RESET_UNREAD;
                String where = "seed " + seed + " request " + i;
                if (!answeredAsAllowed(socket, in, shape, where, began, unread, writeFailed, seen, violations)) {
                    return;
                }
                if (next != null) {
                    i++;
                    if (!answeredAsAllowed(socket, in, next, where + " pipelined", began, unread, writeFailed, seen,
                            violations)) {
                        return;
                    }
                }
            }
        }
    }

    /** Reads and checks one answer; true when the connection stays open for the next request. */
    private boolean answeredAsAllowed(Socket socket, InputStream in, Shape shape, String request, long began,
            boolean unread, boolean writeFailed, Map<String, Integer> seen, List<String> violations)
            throws IOException {
        String where = request + " (" + shape.name() + ", " + shape.bytes().length + " bytes in "
                + (shape.cuts().length + 1) + " writes, " + shape.ending() + ")";
        Outcome outcome;
        RawReply reply = null;
        if (unread) {
            outcome = Outcome.UNREAD;
        } else {
            try {
                reply = RawReply.read(in);
                outcome = classify(reply, shape.body());
            } catch (EOFException | SocketException closed) {
                outcome = Outcome.CLOSED;
            } catch (SocketTimeoutException hang) {
                violations.add(where + ": no answer and no close within " + (READ_TIMEOUT_MS + SLACK_MS) + " ms");
                return false;
            } catch (IllegalStateException | jakarta.json.JsonException garbled) {
                violations.add(where + ": " + garbled.getMessage());
                return false;
            }
        }
        long millis = (System.nanoTime() - began) / 1_000_000;
        seen.merge(shape.name() + "->" + outcome, 1, Integer::sum);
        Set<Outcome> allowed = EnumSet.copyOf(shape.allowed());
        allowed.add(Outcome.UNREAD);
        if (writeFailed) {
            // the server answered and hung up while the rest was still being sent: the answer may be lost
            allowed.add(Outcome.CLOSED);
        }
        if (outcome == null || !allowed.contains(outcome)) {
            violations.add(where + ": " + outcome + " not among " + shape.allowed() + ": " + reply);
            return false;
        }
        if (millis > READ_TIMEOUT_MS + SLACK_MS) {
            violations.add(where + ": " + outcome + " after " + millis + " ms");
        }
        if (outcome == Outcome.TIMEOUT && millis < READ_TIMEOUT_MS - 100) {
            violations.add(where + ": 408 after only " + millis + " ms");
        }
        if (outcome == Outcome.OWN_BODY && !reply.closes()) {
            return true;
        }
        if (reply != null && reply.closes() && answersAfterClose(socket, in)) {
            violations.add(where + ": a request after " + reply.status() + " with Connection: close was answered");
        }
        return false;
    }

    /** Two requests sent as one: the first's last piece and the second's first piece go out in one write. */
    private static Shape pipelined(Shape first, Shape second) {
        int[] cuts = java.util.stream.IntStream.concat(java.util.Arrays.stream(first.cuts()),
                java.util.Arrays.stream(second.cuts()).map(cut -> cut + first.bytes().length)).toArray();
        int[] pauses = java.util.stream.IntStream.concat(java.util.Arrays.stream(first.pausesMs()),
                java.util.Arrays.stream(second.pausesMs())).toArray();
        return new Shape(first.name() + "+" + second.name(), concat(first.bytes(), second.bytes()), null, cuts,
                pauses, second.ending(), second.allowed());
    }

    /** Generates one request shape from the seeded random; {@code token} makes its body its own. */
    private Shape generate(Random random, String token) {
        int kind = random.nextInt(12);
        int size = random.nextInt(4) == 0 ? EDGE_SIZES[random.nextInt(EDGE_SIZES.length)]
                : random.nextInt(3) == 0 ? random.nextInt(100) : random.nextInt(MAX_BYTES + 1);
        int over = MAX_BYTES + 1 + (random.nextBoolean() ? 0 : random.nextInt(60_000));
        byte[] body = body(random, token, kind == 4 || kind == 5 ? over : size);
        String text = new String(body, StandardCharsets.US_ASCII);
        byte[] chunks = chunked(body, chunkSizes(random, body.length), random.nextInt(4) == 0, false);
        Set<Outcome> own = EnumSet.of(Outcome.OWN_BODY);
        return switch (kind) {
            case 0, 1 -> split(random, "length", request("Content-Length: " + body.length, body), text, Ending.READ,
                    own);
            case 2 -> split(random, "chunked", request("Transfer-Encoding: chunked", chunks), text, Ending.READ, own);
            case 3 -> random.nextBoolean()
                    ? split(random, "expect-length", request("Content-Length: " + body.length
                            + "\r\nExpect: 100-continue", body), text, Ending.READ, own)
                    : split(random, "expect-chunked", request("Transfer-Encoding: chunked\r\nExpect: 100-continue",
                            chunks), text, Ending.READ, own);
            case 4 -> split(random, "over-chunked", request("Transfer-Encoding: chunked", chunks), text, Ending.READ,
                    EnumSet.of(Outcome.TOO_LARGE));
            case 5 -> split(random, "over-declared", request("Content-Length: " + body.length,
                    prefix(random, body, body.length + 1)), text, Ending.READ, EnumSet.of(Outcome.TOO_LARGE));
            case 6 -> split(random, "short-stalled", request("Content-Length: " + Math.max(1, body.length),
                    prefix(random, body, Math.max(1, body.length))), text, Ending.READ, EnumSet.of(Outcome.TIMEOUT));
            case 7 -> split(random, "chunked-stalled", request("Transfer-Encoding: chunked",
                    stalledChunks(random, chunks)), text, Ending.READ, EnumSet.of(Outcome.TIMEOUT));
            case 8 -> split(random, "short-closed", request("Content-Length: " + Math.max(1, body.length),
                    prefix(random, body, Math.max(1, body.length))), text, Ending.HALF_CLOSE_THEN_READ,
                    EnumSet.of(Outcome.BAD_REQUEST, Outcome.CLOSED));
            case 9 -> cutAnywhere(random, body, chunks, text);
            case 10 -> split(random, "chunk-extension", request("Transfer-Encoding: chunked",
                    chunked(body, chunkSizes(random, body.length), true, true)), text, Ending.READ,
                    EnumSet.of(Outcome.OWN_BODY, Outcome.CONTAINER_400));
            default -> split(random, "bad-chunk-size", request("Transfer-Encoding: chunked",
                    concat(wholeChunks(random, chunks), BAD_CHUNK_SIZE)),
                    text, Ending.READ, EnumSet.of(Outcome.CONTAINER_400, Outcome.BAD_REQUEST, Outcome.TIMEOUT,
                            Outcome.TOO_LARGE, Outcome.CLOSED));
        };
    }

    /** A well-formed request cut at any byte (or whole), then closed or half-closed or reset. */
    private Shape cutAnywhere(Random random, byte[] body, byte[] chunks, String text) {
        byte[] whole = random.nextBoolean() ? request("Content-Length: " + body.length, body)
                : request("Transfer-Encoding: chunked", chunks);
        int cut = random.nextInt(4) == 0 ? whole.length : random.nextInt(whole.length + 1);
        Ending ending = Ending.values()[1 + random.nextInt(3)];
        Set<Outcome> allowed = EnumSet.of(Outcome.BAD_REQUEST, Outcome.CLOSED, Outcome.CONTAINER_400,
                Outcome.UNREAD);
        if (cut == whole.length) {
            allowed.add(Outcome.OWN_BODY);
        }
        return split(random, "cut-" + ending.name().toLowerCase(Locale.ROOT), java.util.Arrays.copyOf(whole, cut),
                text, ending, allowed);
    }

    /** Cuts the bytes into 1 to 64 writes, with pauses that keep the whole send well inside the read timeout. */
    private static Shape split(Random random, String name, byte[] bytes, String body, Ending ending,
            Set<Outcome> allowed) {
        int[] counts = {1, 1, 1, 2, 2, 3, 8, 64};
        int writes = Math.min(Math.max(1, bytes.length), counts[random.nextInt(counts.length)]);
        int[] cuts = random.ints(writes - 1L, 1, Math.max(2, bytes.length)).sorted().distinct().toArray();
        int longest = Math.max(1, Math.min(25, 500 / writes));
        int[] pauses = random.ints(cuts.length, 0, longest).toArray();
        return new Shape(name, bytes, body, cuts, pauses, ending, allowed);
    }

    /** Writes the shape's pieces; true when the server closed the connection before all were written. */
    private static boolean send(Socket socket, Shape shape) throws IOException, InterruptedException {
        byte[] bytes = shape.bytes();
        int from = 0;
        try {
            for (int i = 0; i <= shape.cuts().length; i++) {
                int to = i < shape.cuts().length ? shape.cuts()[i] : bytes.length;
                write(socket, bytes, from, to);
                from = to;
                if (i < shape.cuts().length) {
                    Thread.sleep(shape.pausesMs()[i]);
                }
            }
            switch (shape.ending()) {
                case HALF_CLOSE_THEN_READ -> socket.shutdownOutput();
                case RESET_UNREAD -> {
                    socket.setSoLinger(true, 0);
                    socket.close();
                }
                case CLOSE_UNREAD -> socket.close();
                case READ -> {
                }
            }
            return false;
        } catch (SocketException closedByServer) {
            return true;
        }
    }

    /** After an answer that said {@code Connection: close}: a further request on it must not be answered. */
    private static boolean answersAfterClose(Socket socket, InputStream in) throws IOException {
        try {
            socket.getOutputStream().write(("GET /run/hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(AFTER_CLOSE_WATCH_MS);
            return in.read() != -1;
        } catch (SocketException | SocketTimeoutException closedOrSilent) {
            return false;
        }
    }

    /** What a reply means; null when it breaks an invariant whatever the shape (a 500, HTML, another's body). */
    private static Outcome classify(RawReply reply, String sentBody) {
        int status = reply.status();
        if (status == 200) {
            return sentBody == null || !sentBody.equals(reply.echoedBody()) ? null : Outcome.OWN_BODY;
        }
        if (reply.body().isEmpty()) {
            return status == 400 ? Outcome.CONTAINER_400 : null;
        }
        if (!reply.header("content-type").startsWith("application/problem+json")) {
            return null;
        }
        JsonObject problem = Json.createReader(new StringReader(reply.body())).readObject();
        if (problem.getInt("status") != status) {
            return null;
        }
        return switch (problem.getString("type")) {
            case "urn:mik:problem:bad-request" -> status == 400 ? Outcome.BAD_REQUEST : null;
            case "urn:mik:problem:request-timeout" -> status == 408 ? Outcome.TIMEOUT : null;
            case "urn:mik:problem:request-too-large" -> status == 413 ? Outcome.TOO_LARGE : null;
            case "urn:mik:problem:overloaded" -> status == 503 ? Outcome.OVERLOADED : null;
            default -> null;
        };
    }

    private void assertReservedReturnsToZero() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_RELEASE_MS + 10_000);
        long reserved;
        while ((reserved = reserved()) != 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
        }
        assertEquals(0, reserved, "bytes still reserved in the memory pool once every request has ended");
    }

    private long reserved() {
        Matcher matcher = RESERVED.matcher(http.get("_mik/metrics").body());
        assertTrue(matcher.find(), "mik_memory_reserved_bytes in the metrics");
        return Long.parseLong(matcher.group(1));
    }

    private static byte[] body(Random random, String token, int size) {
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = i < token.length() ? (byte) token.charAt(i) : (byte) ('a' + random.nextInt(26));
        }
        return body;
    }

    /**
     * Chunk sizes at a random scale, never more than {@value #MOST_CHUNKS} chunks to a body: Payara leaves a body of
     * many more tiny chunks unread until the deadline (see {@link #aBodyOfManyTinyChunksGetsADefinedAnswerInTime}).
     */
    private static int[] chunkSizes(Random random, int bodyLength) {
        int[] scales = {1, 7, 100, 4_096, 40_000, 200_000};
        int smallest = Math.max(1, bodyLength / MOST_CHUNKS);
        int scale = Math.max(smallest, scales[random.nextInt(scales.length)]);
        return random.ints(1 + random.nextInt(4), smallest, scale + 1).toArray();
    }

    /**
     * The chunked encoding cut before its last chunk, but after the first chunk-size line: Payara does not hand a
     * chunked request to the application before that line is complete (it waits for its 30 s idle timeout).
     */
    private static byte[] stalledChunks(Random random, byte[] chunks) {
        int firstLine = indexOfCrlf(chunks, 0) + 2;
        // the last chunk is "0\r\n\r\n", or "0\r\n" and a 14-byte trailer line and "\r\n"
        int lastChunk = chunks.length - (chunks[chunks.length - 5] == '0' ? 5 : 19);
        if (lastChunk < firstLine) {
            return "1\r\n".getBytes(StandardCharsets.US_ASCII); // an empty body: a chunk announced, never sent
        }
        return java.util.Arrays.copyOf(chunks, firstLine + random.nextInt(lastChunk - firstLine + 1));
    }

    /** The body in chunks of the given sizes, repeated in turn; optionally with chunk extensions and a trailer. */
    private static byte[] chunked(byte[] body, int[] sizes, boolean trailer, boolean extensions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        for (int i = 0; from < body.length; i++) {
            int size = Math.min(sizes[i % sizes.length], body.length - from);
            out.writeBytes((Integer.toHexString(size) + (extensions ? ";ext=" + i : "") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, from, size);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            from += size;
        }
        out.writeBytes(("0\r\n" + (trailer ? "X-Trailer: t\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** The chunked encoding up to the start of a random one of its chunks, the last, zero-length one included. */
    private static byte[] wholeChunks(Random random, byte[] chunks) {
        List<Integer> starts = new ArrayList<>(List.of(0));
        int at = 0;
        while (true) {
            int lineEnd = indexOfCrlf(chunks, at);
            int size = Integer.parseInt(new String(chunks, at, lineEnd - at, StandardCharsets.US_ASCII), 16);
            if (size == 0) {
                break;
            }
            at = lineEnd + 2 + size + 2;
            starts.add(at);
        }
        return java.util.Arrays.copyOf(chunks, starts.get(random.nextInt(starts.size())));
    }

    private static int indexOfCrlf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        throw new IllegalArgumentException("no line end after " + from);
    }

    /** A strict prefix of the first {@code limit} bytes of the body (shorter than limit, so the body stays short). */
    private static byte[] prefix(Random random, byte[] bytes, int limit) {
        return java.util.Arrays.copyOf(bytes, Math.min(bytes.length, random.nextInt(Math.max(1, limit))));
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private byte[] head(String headers) {
        return ("POST " + base.getPath() + (base.getPath().endsWith("/") ? "" : "/")
                + "run/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                + headers + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] request(String headers, byte[] body) {
        return concat(head(headers), body);
    }

    private Socket open() throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setSoTimeout((int) (READ_TIMEOUT_MS + SLACK_MS));
        socket.setTcpNoDelay(true);
        return socket;
    }

    private static void write(Socket socket, byte[] bytes) throws IOException {
        write(socket, bytes, 0, bytes.length);
    }

    private static void write(Socket socket, byte[] bytes, int from, int to) throws IOException {
        socket.getOutputStream().write(bytes, from, to - from);
        socket.getOutputStream().flush();
    }

}
