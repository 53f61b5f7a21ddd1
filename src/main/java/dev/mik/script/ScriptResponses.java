package dev.mik.script;

import dev.mik.json.Jsonp;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.run.HandlerResponse;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns what a script returned into the HTTP answer (status, headers, body) (a returned {@code host.call} result
 * that the script left unchanged is passed through by {@link ScriptRuns} instead). A script's status, like a
 * handler's, is 200–599: a 1xx would announce an interim response or a protocol switch that never comes.
 */
final class ScriptResponses {

    /** Headers the server owns: a script that edits a result cannot set them. */
    private static final Set<String> SERVER_HEADERS = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "upgrade", "trailer", "te", "proxy-connection", "x-request-id", "traceparent", "status");

    private static final String JSON = "application/json";

    private ScriptResponses() {
    }

    /** An object with an integral {@code status} of 200–599 sets the status; anything else is a 200 JSON body. */
    static HandlerResponse value(String script, String json) {
        JsonValue value = read(json);
        int status = 200;
        if (value instanceof JsonObject object && object.get("status") instanceof JsonNumber number
                && number.isIntegral()) {
            status = checkedStatus(script, number, 200);
        }
        return new HandlerResponse(status, List.of(Map.entry("Content-Type", JSON)),
                json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A {@code host.call} result the script changed and returned, answered as changed: its {@code status}, its
     * {@code headers} (string values; server-owned names dropped) and its {@code body} (a string as it is, anything
     * else as JSON).
     */
    static HandlerResponse editedCall(String script, String json) {
        JsonObject result = read(json) instanceof JsonObject object ? object : JsonValue.EMPTY_JSON_OBJECT;
        int status = result.get("status") instanceof JsonNumber number && number.isIntegral()
                ? checkedStatus(script, number, -1) : -1;
        if (status < 0) {
            throw new ProblemException(ProblemType.SCRIPT_ERROR, "Script '" + script + "' returned a changed host.call"
                    + " result whose status is " + result.get("status") + "; a response status is 200-599.", null,
                    Map.of("script", script));
        }
        List<Map.Entry<String, String>> kept = new ArrayList<>();
        String contentType = null;
        if (result.get("headers") instanceof JsonObject headers) {
            for (Map.Entry<String, JsonValue> header : headers.entrySet()) {
                String name = header.getKey().toLowerCase(Locale.ROOT);
                if (!(header.getValue() instanceof JsonString text) || SERVER_HEADERS.contains(name)
                        || !validHeader(name, text.getString())) {
                    continue;
                }
                if (name.equals("content-type")) {
                    contentType = text.getString();
                } else {
                    kept.add(Map.entry(name, text.getString()));
                }
            }
        }
        JsonValue body = result.getOrDefault("body", JsonValue.NULL);
        byte[] bytes;
        if (body instanceof JsonString text) {
            bytes = text.getString().getBytes(StandardCharsets.UTF_8);
        } else {
            bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            if (contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("json")) {
                contentType = JSON;
            }
        }
        kept.add(0, Map.entry("Content-Type", contentType == null ? "text/plain" : contentType));
        return new HandlerResponse(status, kept, bytes);
    }

    /** 200–599 as is; a 1xx is the script's error; any other number gives {@code otherwise}. */
    private static int checkedStatus(String script, JsonNumber number, int otherwise) {
        double status = number.doubleValue();
        if (status >= 100 && status <= 199) {
            throw new ProblemException(ProblemType.SCRIPT_ERROR, "Script '" + script + "' returned status " + number
                    + "; a script answers with a final status, 200-599.", null,
                    Map.of("script", script));
        }
        return status >= 200 && status <= 599 ? (int) status : otherwise;
    }

    /** A token name and a value without control characters, so a header cannot be split or forged. */
    private static boolean validHeader(String name, String value) {
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
            return false;
        }
        return value.chars().noneMatch(c -> c < 32 && c != '\t' || c == 127);
    }

    private static JsonValue read(String json) {
        try (var reader = Jsonp.reader(new StringReader(json))) {
            return reader.readValue();
        }
    }
}
