package dev.mik.script;

import dev.mik.http.HttpRequests;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.run.ModuleName;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParsingException;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code host.call}'s options as the README's script contract states them, and, over a seeded corpus of generated
 * option objects, the same request or the same error as the hand parser they replaced (kept here as the oracle).
 */
class CallOptionsTest {

    /** Looked up once: {@code jakarta.json.Json} looks the provider up again on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final String BASE_URL = "http://localhost:8080/mik/";
    private static final ModuleName MODULE = new ModuleName("echo");

    @Test
    void noOptionsAreAPostToTheModulesRoot() {
        CallOptions none = new CallOptions("POST", "/", Map.of(), "", "");
        for (String json : new String[] {null, "", "  ", "null", "{}", "{\"method\":null,\"path\":null,"
                + "\"headers\":null,\"body\":null,\"query\":null}", "{\"unknown\":[1,{\"method\":5}]}"}) {
            assertEquals(none, CallOptions.parse(json), json);
        }
    }

    @Test
    void validOptionsBecomeTheRequestTheContractDescribes() {
        record Case(String json, CallOptions expected) {
        }
        List<Case> cases = List.of(
                new Case("{\"method\":\"get\",\"path\":\"items/1\"}",
                        new CallOptions("GET", "/items/1", Map.of(), "", "")),
                new Case("{\"method\":\"PATCH\",\"path\":\"/a b/%/+\"}",
                        new CallOptions("PATCH", "/a b/%/+", Map.of(), "", "")),
                new Case("{\"body\":\"plain text\"}", new CallOptions("POST", "/", Map.of(), "plain text", "")),
                new Case("{\"body\":{\"token\":\"t\",\"n\":[1,2.5,true,null]}}", new CallOptions("POST", "/",
                        Map.of("Content-Type", "application/json"), "{\"token\":\"t\",\"n\":[1,2.5,true,null]}", "")),
                new Case("{\"body\":42}", new CallOptions("POST", "/", Map.of("Content-Type", "application/json"),
                        "42", "")),
                new Case("{\"headers\":{\"content-type\":\"text/csv\",\"X-N\":7,\"X-O\":{\"a\":1}},\"body\":[1]}",
                        new CallOptions("POST", "/", Map.of("content-type", "text/csv", "X-N", "7",
                                "X-O", "{\"a\":1}"), "[1]", "")),
                new Case("{\"headers\":\"ignored\",\"query\":\"?a=1&b=2\"}",
                        new CallOptions("POST", "/", Map.of(), "", "a=1&b=2")),
                new Case("{\"query\":\"a=1\"}", new CallOptions("POST", "/", Map.of(), "", "a=1")),
                new Case("{\"query\":{\"to\":\"u alice\",\"n\":3,\"é/&=\":\"+%\"}}", new CallOptions("POST", "/",
                        Map.of(), "", "to=u+alice&n=3&%C3%A9%2F%26%3D=%2B%25")),
                new Case("{\"query\":{}}", new CallOptions("POST", "/", Map.of(), "", "")));
        for (Case c : cases) {
            assertEquals(c.expected(), CallOptions.parse(c.json()), c.json());
            assertEquals(oracle(c.json()), outcome(c.json()), c.json());
        }
    }

    @Test
    void aJsonBodyKeepsTheScriptsHeaderOrderAndAddsItsTypeLast() {
        CallOptions options = CallOptions.parse("{\"headers\":{\"b\":\"1\",\"a\":\"2\"},\"body\":{}}");
        assertEquals(List.of("b", "a", "Content-Type"), List.copyOf(options.headers().keySet()));
        assertEquals("{}", new String(options.bodyBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void malformedOptionsAreBadRequestsNamingTheFirstBrokenMember() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("5", "host.call: options must be an object");
        cases.put("\"number\"", "host.call: options must be an object");
        cases.put("true", "host.call: options must be an object");
        cases.put("[]", "host.call: options must be an object");
        cases.put("[{\"method\":\"GET\"}]", "host.call: options must be an object");
        cases.put("{\"method\":", "host.call: options must be an object");
        cases.put("{\"method\":5}", "host.call: method must be a string");
        cases.put("{\"method\":true}", "host.call: method must be a string");
        cases.put("{\"method\":[\"GET\"]}", "host.call: method must be a string");
        cases.put("{\"method\":\"\"}", "host.call: method must be a word like GET or POST");
        cases.put("{\"method\":\"GE T\"}", "host.call: method must be a word like GET or POST");
        cases.put("{\"method\":\"ABCDEFGHIJKLMNOPQ\"}", "host.call: method must be a word like GET or POST");
        cases.put("{\"path\":1}", "host.call: path must be a string");
        cases.put("{\"path\":{}}", "host.call: path must be a string");
        cases.put("{\"query\":5}", "host.call: query must be a string or an object");
        cases.put("{\"query\":[\"a=1\"]}", "host.call: query must be a string or an object");
        cases.put("{\"query\":false}", "host.call: query must be a string or an object");
        // the order of the contract, not of the text, decides which member is named
        cases.put("{\"query\":5,\"path\":5,\"method\":5}", "host.call: method must be a string");
        cases.put("{\"query\":5,\"path\":5}", "host.call: path must be a string");
        cases.put("{\"query\":5,\"headers\":5,\"body\":5}", "host.call: query must be a string or an object");
        cases.forEach((json, message) -> {
            ProblemException refused = assertThrows(ProblemException.class, () -> CallOptions.parse(json), json);
            assertEquals(ProblemType.BAD_REQUEST, refused.type(), json);
            assertEquals(message, refused.detail(), json);
            assertEquals(oracle(json), outcome(json), json);
        });
    }

    /**
     * Random option objects, each member missing or of any JSON type, with strings that look like methods, paths
     * and queries: binding gives the same request (path, raw path, query, full URL, headers, body) or the same error
     * as the hand parser.
     */
    @Test
    void generatedOptionsGiveTheSameRequestOrErrorAsTheHandParser() {
        Random random = new Random(20261201);
        int requests = 0;
        for (int round = 0; round < 20_000; round++) {
            String json = options(random);
            String expected = oracle(json);
            assertEquals(expected, outcome(json), json);
            if (!expected.startsWith("refused")) {
                requests++;
            }
        }
        // the corpus is worth its name only if it reaches both sides
        assertEquals(true, requests > 4_000 && requests < 16_000, requests + " requests");
    }

    /**
     * Values nesting as deep as the JSON-P parser allows (1,000 levels, the options object included) are read as
     * before; one level more, in any member or in an array, fails the call with the parser's own error, as before.
     */
    @Test
    void deeplyNestedMembersAreReadAsBeforeUpToTheParsersLimit() {
        for (int depth : new int[] {10, 256, 998, 999, 5_000}) {
            String nested = "[".repeat(depth) + "]".repeat(depth);
            for (String json : new String[] {"{\"body\":" + nested + "}", "{\"path\":" + nested + "}",
                    "{\"headers\":{\"x\":" + nested + "}}", "{\"query\":" + nested + "}",
                    "{\"unknown\":" + nested + "}", "[" + nested + ",{}]", "[{}," + nested + "]"}) {
                assertEquals(failureOrOutcome(() -> oracle(json)), failureOrOutcome(() -> outcome(json)),
                        depth + " " + json.substring(0, 12));
            }
        }
    }

    private static String failureOrOutcome(java.util.function.Supplier<String> outcome) {
        try {
            return outcome.get();
        } catch (RuntimeException failed) {
            return failed.getClass().getName() + ": " + failed.getMessage();
        }
    }

    /** The request {@code HostCallBridge} builds from the options, or the error, as one comparable line. */
    private static String outcome(String json) {
        try {
            CallOptions options = CallOptions.parse(json);
            return request(options.method(), options.path(), HttpRequests.encodePath(options.path()),
                    options.query(), MODULE.url(BASE_URL, options.path(), options.query()), options.headers(),
                    options.bodyBytes());
        } catch (ProblemException refused) {
            return "refused " + refused.type() + " " + refused.detail();
        }
    }

    private static String request(String method, String path, String rawPath, String query, String fullUrl,
            Map<String, String> headers, byte[] body) {
        return method + " " + path + " raw " + rawPath + " query " + query + " url " + fullUrl + " headers " + headers
                + " body " + new String(body, StandardCharsets.UTF_8);
    }

    // the oracle: HostCallBridge's hand parsing before CallOptions, unchanged

    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");

    private static String oracle(String optionsJson) {
        try {
            JsonObject options = parseOptions(optionsJson);
            String method = text(options, "method", "POST").toUpperCase(Locale.ROOT);
            if (!METHOD.matcher(method).matches()) {
                throw new ProblemException(ProblemType.BAD_REQUEST,
                        "host.call: method must be a word like GET or POST");
            }
            String path = text(options, "path", "/");
            if (!path.startsWith("/")) {
                path = "/" + path;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            JsonValue headerValues = options.get("headers");
            if (headerValues instanceof JsonObject object) {
                object.forEach((key, value) -> headers.put(key,
                        value instanceof JsonString s ? s.getString() : value.toString()));
            }
            byte[] body = body(options.get("body"), headers);
            String query = query(options.get("query"));
            String fullUrl = BASE_URL + "run/" + MODULE.value() + path + (query.isEmpty() ? "" : "?" + query);
            return request(method, path, encodePath(path), query, fullUrl, headers, body);
        } catch (ProblemException refused) {
            return "refused " + refused.type() + " " + refused.detail();
        }
    }

    private static JsonObject parseOptions(String optionsJson) {
        if (optionsJson == null || optionsJson.isBlank() || optionsJson.equals("null")) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        try (var reader = JSON.createReader(new StringReader(optionsJson))) {
            JsonValue value = reader.readValue();
            if (value instanceof JsonObject object) {
                return object;
            }
        } catch (JsonParsingException e) {
            // reported below
        }
        throw new ProblemException(ProblemType.BAD_REQUEST, "host.call: options must be an object");
    }

    private static byte[] body(JsonValue body, Map<String, String> headers) {
        if (body == null || body == JsonValue.NULL) {
            return new byte[0];
        }
        if (body instanceof JsonString text) {
            return text.getString().getBytes(StandardCharsets.UTF_8);
        }
        if (headers.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("Content-Type"))) {
            headers.put("Content-Type", "application/json");
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String query(JsonValue query) {
        if (query == null || query == JsonValue.NULL) {
            return "";
        }
        if (query instanceof JsonString text) {
            String raw = text.getString();
            return raw.startsWith("?") ? raw.substring(1) : raw;
        }
        if (query instanceof JsonObject object) {
            StringBuilder encoded = new StringBuilder();
            object.forEach((key, value) -> {
                if (encoded.length() > 0) {
                    encoded.append('&');
                }
                String text = value instanceof JsonString s ? s.getString() : value.toString();
                encoded.append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(text, StandardCharsets.UTF_8));
            });
            return encoded.toString();
        }
        throw new ProblemException(ProblemType.BAD_REQUEST, "host.call: query must be a string or an object");
    }

    private static String text(JsonObject options, String key, String fallback) {
        JsonValue value = options.get(key);
        if (value == null || value == JsonValue.NULL) {
            return fallback;
        }
        if (value instanceof JsonString text) {
            return text.getString();
        }
        throw new ProblemException(ProblemType.BAD_REQUEST, "host.call: " + key + " must be a string");
    }

    private static String encodePath(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            segments.add(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return String.join("/", segments);
    }

    // the generator

    private static final String[] MEMBERS = {"method", "path", "headers", "body", "query", "Method", "extra"};
    private static final String[] WORDS = {"get", "GET", "Post", "delete", "PATCH", "OPTIONS", "", "G T", "g3t",
        "ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOPQ", "ß", "ı", "content-type", "Content-Type", "CONTENT-TYPE"};
    private static final String ALPHABET = "aZ09/?%+ &=#.~-_é€\u00a0\ud83d\ude00\"\\\n";

    /** Mostly objects, sometimes another JSON value or no options at all. */
    private static String options(Random random) {
        int kind = random.nextInt(40);
        if (kind == 0) {
            return random.nextBoolean() ? "null" : "";
        }
        if (kind == 1) {
            return value(random, 2).toString();
        }
        JsonObjectBuilder object = JSON.createObjectBuilder();
        for (int i = random.nextInt(6); i > 0; i--) {
            String member = MEMBERS[random.nextInt(MEMBERS.length)];
            object.add(member, member(random, member));
        }
        return object.build().toString();
    }

    /** Mostly what the member expects, often something else. */
    private static JsonValue member(Random random, String member) {
        if (random.nextInt(4) == 0) {
            return value(random, 2);
        }
        return switch (member) {
            case "method" -> JSON.createValue(WORDS[random.nextInt(WORDS.length)]);
            case "path", "body" -> JSON.createValue(text(random));
            case "headers", "query" -> {
                JsonObjectBuilder pairs = JSON.createObjectBuilder();
                for (int i = random.nextInt(4); i > 0; i--) {
                    String name = random.nextBoolean() ? WORDS[random.nextInt(WORDS.length)] : text(random);
                    pairs.add(name, random.nextInt(3) == 0 ? value(random, 1) : JSON.createValue(text(random)));
                }
                yield random.nextInt(5) == 0 ? JSON.createValue(text(random)) : pairs.build();
            }
            default -> value(random, 2);
        };
    }

    private static JsonValue value(Random random, int depth) {
        int kind = random.nextInt(depth > 0 ? 9 : 7);
        return switch (kind) {
            case 0 -> JsonValue.NULL;
            case 1 -> random.nextBoolean() ? JsonValue.TRUE : JsonValue.FALSE;
            case 2 -> JSON.createValue(random.nextInt(2001) - 1000);
            case 3 -> JSON.createValue(new BigDecimal(random.nextInt(100_000)).movePointLeft(random.nextInt(5)));
            case 4 -> JSON.createValue(new BigDecimal(random.nextInt(99) + 1).scaleByPowerOfTen(random.nextInt(41)
                    - 20));
            case 5, 6 -> JSON.createValue(text(random));
            case 7 -> {
                JsonArrayBuilder array = JSON.createArrayBuilder();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(value(random, depth - 1));
                }
                yield array.build();
            }
            default -> {
                JsonObjectBuilder object = JSON.createObjectBuilder();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.add(text(random), value(random, depth - 1));
                }
                yield object.build();
            }
        };
    }

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        if (random.nextInt(4) == 0) {
            text.append(random.nextBoolean() ? '/' : '?');
        }
        for (int i = random.nextInt(9); i > 0; i--) {
            int at = random.nextInt(ALPHABET.length());
            if (Character.isHighSurrogate(ALPHABET.charAt(at))) {
                text.append(ALPHABET, at, at + 2);
            } else if (!Character.isLowSurrogate(ALPHABET.charAt(at))) {
                text.append(ALPHABET.charAt(at));
            }
        }
        return text.toString();
    }
}
