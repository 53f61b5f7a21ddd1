package dev.mik.script;

import dev.mik.http.QueryString;
import dev.mik.json.Jsonp;
import dev.mik.json.TypedJson;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.sandbox.JsonShape;
import dev.mik.sandbox.ScriptSandbox;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The request a script's {@code host.call(module, options)} asks for, read from its options object: the contract the
 * README's "Script contract" states, in one place.
 *
 * @param method  upper case, a word of 1 to 16 letters; {@code POST} when the options name none
 * @param path    the decoded path below {@code /run/<module>}, always starting with {@code /}; {@code /} when absent
 * @param headers the script's headers in its order, a value that is not a string as its JSON text, followed by
 *                {@code Content-Type: application/json} when the body is sent as JSON and the script set no type
 * @param body    the body's text: empty when absent, a string as it is, any other value as its JSON text
 * @param query   the raw query without {@code ?}: a string as given, an object as its percent-encoded pairs
 */
record CallOptions(String method, String path, Map<String, String> headers, String body, String query) {

    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");

    /**
     * Characters a call's head may have: its method, path, query and headers (names and values) together, counted
     * before anything is percent-encoded. Options may be 8 Mi characters (the sandbox's JSON cap) and a path
     * percent-encodes to up to nine times its length, work the script's allocation budget does not see; an HTTP
     * server takes a request head of a few kilobytes to a megabyte.
     */
    static final int MAX_HEAD_CHARS = 64 * 1024;
    private static final CallOptions NONE = of(new Sent(null, null, null, null, null));

    CallOptions {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /**
     * The options object as JSON-B binds it, each member as the script sent it. Every member is an untyped
     * {@link JsonValue} on purpose: JSON-B would read a number as a method name and refuse a non-object
     * {@code headers}, where the contract answers the first and ignores the second. Members it does not name are
     * skipped.
     */
    public record Sent(JsonValue method, JsonValue path, JsonValue headers, JsonValue body, JsonValue query) {
    }

    /**
     * The options in {@code json}, the JSON text the sandbox made of the script's options ({@code null}, blank or
     * {@code "null"} for none).
     *
     * @throws ProblemException {@code BAD_REQUEST} naming the first member, in the order of this record's
     *                          components, that breaks the contract
     */
    static CallOptions parse(String json) {
        if (json == null || json.isBlank() || json.equals("null")) {
            return NONE;
        }
        try {
            if (JsonShape.depth(json) > ScriptSandbox.MAX_INPUT_NESTING) {
                // JSON-B skips a member it does not name unread: a text this deep is read whole first, so that the
                // parser's nesting limit fails the call wherever it is passed, as it did before options were bound
                try (JsonReader reader = Jsonp.reader(new StringReader(json))) {
                    reader.readValue();
                }
            }
            // JSON-B would bind an array that holds an object
            if (!json.strip().startsWith("{")) {
                throw badRequest("options must be an object");
            }
            return of(TypedJson.read(json, Sent.class));
        } catch (JsonParsingException | JsonbException notAnObject) {
            throw badRequest("options must be an object");
        }
    }

    private static CallOptions of(Sent sent) {
        String method = text(sent.method(), "method", "POST").toUpperCase(Locale.ROOT);
        if (!METHOD.matcher(method).matches()) {
            throw badRequest("method must be a word like GET or POST");
        }
        String path = text(sent.path(), "path", "/");
        Map<String, String> headers = new LinkedHashMap<>();
        if (sent.headers() instanceof JsonObject object) {
            object.forEach((name, value) -> headers.put(name, text(value)));
        }
        Query query = Query.of(sent.query());
        long head = (long) method.length() + path.length() + characters(headers) + query.characters();
        if (head > MAX_HEAD_CHARS) {
            throw badRequest("the method, path, query and headers are " + head + " characters together, above the"
                    + " limit of " + MAX_HEAD_CHARS);
        }
        String body = "";
        if (!isAbsent(sent.body())) {
            body = text(sent.body());
            if (!(sent.body() instanceof JsonString) && headers.keySet().stream()
                    .noneMatch(name -> name.equalsIgnoreCase("Content-Type"))) {
                headers.put("Content-Type", "application/json");
            }
        }
        return new CallOptions(method, path.startsWith("/") ? path : "/" + path, headers, body, query.text());
    }

    /** The body's bytes as the handler reads them. */
    byte[] bodyBytes() {
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The query as the script gave it, before it is percent-encoded: its raw text without {@code ?}, or (raw null) an
     * object's names and values.
     */
    private record Query(String raw, Map<String, String> pairs) {

        static Query of(JsonValue query) {
            if (isAbsent(query)) {
                return new Query("", null);
            }
            if (query instanceof JsonString raw) {
                String text = raw.getString();
                return new Query(text.startsWith("?") ? text.substring(1) : text, null);
            }
            if (query instanceof JsonObject object) {
                Map<String, String> values = new LinkedHashMap<>();
                object.forEach((name, value) -> values.put(name, CallOptions.text(value)));
                return new Query(null, values);
            }
            throw badRequest("query must be a string or an object");
        }

        long characters() {
            return raw != null ? raw.length() : CallOptions.characters(pairs);
        }

        /** The raw query a handler gets. */
        String text() {
            return raw != null ? raw : QueryString.encode(pairs);
        }
    }

    private static long characters(Map<String, String> pairs) {
        long count = 0;
        for (Map.Entry<String, String> pair : pairs.entrySet()) {
            count += pair.getKey().length() + pair.getValue().length();
        }
        return count;
    }

    /** A member that must be a string when present. */
    private static String text(JsonValue value, String member, String fallback) {
        if (isAbsent(value)) {
            return fallback;
        }
        if (value instanceof JsonString text) {
            return text.getString();
        }
        throw badRequest(member + " must be a string");
    }

    /** A string as it is, any other value as its JSON text. */
    private static String text(JsonValue value) {
        return value instanceof JsonString text ? text.getString() : value.toString();
    }

    private static boolean isAbsent(JsonValue value) {
        return value == null || value == JsonValue.NULL;
    }

    private static ProblemException badRequest(String problem) {
        return new ProblemException(ProblemType.BAD_REQUEST, "host.call: " + problem);
    }
}
