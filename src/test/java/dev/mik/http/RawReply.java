package dev.mik.http;

import jakarta.json.Json;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP/1.1 answer read off a raw socket, by its Content-Length or its chunks, skipping interim 1xx answers; the
 * body-read tests' view of what the server said, one answer at a time on a keep-alive connection.
 */
record RawReply(int status, Map<String, String> headers, String body) {

    String header(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
    }

    /** What the echo handler says it received: the {@code body} member of its JSON answer. */
    String echoedBody() {
        return Json.createReader(new StringReader(body)).readObject().getString("body");
    }

    boolean closes() {
        return header("connection").equalsIgnoreCase("close");
    }

    static RawReply read(InputStream in) throws IOException {
        while (true) {
            String statusLine = line(in);
            String[] words = statusLine.split(" ");
            if (words.length < 2 || !words[0].startsWith("HTTP/1.")) {
                throw new IllegalStateException("not a status line: " + statusLine);
            }
            int status = Integer.parseInt(words[1]);
            Map<String, String> headers = new TreeMap<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        header.substring(colon + 1).trim());
            }
            if (status < 200) {
                continue;
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (headers.getOrDefault("transfer-encoding", "").contains("chunked")) {
                for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
                    body.write(in.readNBytes(size));
                    line(in);
                }
                line(in);
            } else if (headers.containsKey("content-length")) {
                int length = Integer.parseInt(headers.get("content-length"));
                byte[] bytes = in.readNBytes(length);
                if (bytes.length < length) {
                    throw new EOFException("answer cut short: " + new String(bytes, StandardCharsets.UTF_8));
                }
                body.write(bytes);
            }
            return new RawReply(status, headers, body.toString(StandardCharsets.UTF_8));
        }
    }

    private static int chunkSize(InputStream in) throws IOException {
        return Integer.parseInt(line(in).split(";")[0].trim(), 16);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new EOFException("connection closed after: " + line);
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
