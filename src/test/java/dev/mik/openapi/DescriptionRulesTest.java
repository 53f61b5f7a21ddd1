package dev.mik.openapi;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What makes a module's description invalid, each refusal with a reason that says what to fix; and, over the seeded
 * corpus, that breaking any single reference of a valid description is refused, so no description mik merges can
 * carry a reference that does not resolve.
 */
class DescriptionRulesTest {

    /** Looked up once: {@code Json}'s static methods look the provider up on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private static final String VALID = """
            {"openapi":"3.1.0","info":{"title":"t","version":"1"},
             "paths":{"/x":{"get":{"responses":{"200":{"$ref":"#/components/responses/Ok"}}}}},
             "components":{"responses":{"Ok":{"description":"ok"}}}}""";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON              | {"openapi":                                                   \
            | not valid JSON (line 1
            an array              | []                                                            \
            | must be a JSON object, not array
            Swagger 2             | {"swagger":"2.0","paths":{}}                                  | OpenAPI 3.x version
            version 2.0           | {"openapi":"2.0","paths":{}}                                  | OpenAPI 3.x version
            no paths              | {"openapi":"3.0.3"}                                           | 'paths' is required
            paths not an object   | {"openapi":"3.0.3","paths":[]}                                \
            | 'paths' must be an object
            path without slash    | {"openapi":"3.0.3","paths":{"x":{}}}                          \
            | 'x' must start with '/'
            external reference    | {"openapi":"3.0.3","paths":{"/x":{"$ref":"other.json#/a"}}}   \
            | every $ref must start with '#/'
            dangling reference    | {"openapi":"3.0.3","paths":{"/x":{"$ref":"#/paths/~1y"}}}     | points at nothing
            reference to info     | {"openapi":"3.0.3","info":{},"paths":{"/x":{"$ref":"#/info"}}} | must point into
            unknown section       | {"openapi":"3.0.3","paths":{},"components":{"things":{}}}     \
            | has no section 'things'
            bad component name    | {"openapi":"3.0.3","paths":{},"components":{"schemas":{"a b":{}}}} \
            | 'a b' in schemas
            unknown scheme        | {"openapi":"3.0.3","paths":{},"security":[{"key":[]}]}        | names 'key'
            duplicate operationId | {"openapi":"3.0.3","paths":{"/a":{"get":{"operationId":"o"}},\
            "/b":{"get":{"operationId":"o"}}}} | 'o' is used twice
            unknown mapping       | {"openapi":"3.0.3","paths":{},"components":{"schemas":{"A":\
            {"discriminator":{"propertyName":"k","mapping":{"x":"B"}}}}}} | maps to 'B'
            """)
    void refusesWithAReasonThatSaysWhatToFix(String what, String description, String reason) {
        InvalidDescriptionException refused = assertThrows(InvalidDescriptionException.class,
                () -> DescriptionRules.check(DescriptionReader.read(description.getBytes(StandardCharsets.UTF_8))));
        assertTrue(refused.getMessage().contains(reason), what + ": " + refused.getMessage());
    }

    @Test
    void acceptsAValidDescription() throws Exception {
        DescriptionRules.check(DescriptionReader.read(VALID.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void refusesAFileOverOneMebibyteNamingTheCap() {
        byte[] padded = (VALID.substring(0, VALID.length() - 1) + ",\"x-pad\":\""
                + "p".repeat(DescriptionReader.MAX_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
        InvalidDescriptionException refused = assertThrows(InvalidDescriptionException.class,
                () -> DescriptionReader.read(padded));
        assertTrue(refused.getMessage().contains("the limit is 1048576 bytes (1 MiB)"), refused.getMessage());
    }

    @Test
    void refusesNestingPastTheDepthCapButNotAtIt() throws Exception {
        String atCap = "[".repeat(DescriptionReader.MAX_DEPTH - 1) + "]".repeat(DescriptionReader.MAX_DEPTH - 1);
        DescriptionReader.read(("{\"x-deep\":" + atCap + "}").getBytes(StandardCharsets.UTF_8));
        String past = "[".repeat(100_000) + "]".repeat(100_000);
        InvalidDescriptionException refused = assertThrows(InvalidDescriptionException.class,
                () -> DescriptionReader.read(("{\"x-deep\":" + past + "}").getBytes(StandardCharsets.UTF_8)));
        assertTrue(refused.getMessage().contains("deeper than 64 levels"), refused.getMessage());
    }

    @Test
    void refusesBytesThatAreNotUtf8() {
        byte[] latin1 = "{\"openapi\":\"3.0.3\",\"paths\":{},\"x\":\"caf\u00e9\"}"
                .getBytes(StandardCharsets.ISO_8859_1);
        InvalidDescriptionException refused = assertThrows(InvalidDescriptionException.class,
                () -> DescriptionReader.read(latin1));
        assertEquals("The description is not UTF-8 text.", refused.getMessage());
    }

    @Test
    void breakingAnySingleReferenceOfAValidDescriptionIsRefused() throws Exception {
        DescriptionCorpus corpus = new DescriptionCorpus(7L);
        Random random = new Random(7L);
        int broken = 0;
        for (int round = 0; round < 200; round++) {
            JsonObject document = corpus.document();
            DescriptionRules.check(document);
            List<String> refs = new ArrayList<>(OpenApiWalk.refs(document));
            String victim = refs.get(random.nextInt(refs.size()));
            String text = document.toString();
            String quoted = JSON.createValue(victim).toString();
            int at = text.indexOf("\"$ref\":" + quoted);
            String damaged = text.substring(0, at) + "\"$ref\":" + JSON.createValue(victim + "X") + text.substring(
                    at + "\"$ref\":".length() + quoted.length());
            JsonObject mutant = JSON.createReader(new java.io.StringReader(damaged)).readObject();
            assertThrows(InvalidDescriptionException.class, () -> DescriptionRules.check(mutant),
                    () -> victim + "X was accepted");
            broken++;
        }
        assertEquals(200, broken);
    }

    @Test
    void localReferencesSurviveDecodingAndEncoding() {
        for (String path : List.of("/", "/items/{id}", "/a b/~x", "/caf\u00e9/%7B", "/run/{module}")) {
            LocalRef ref = new LocalRef(List.of("paths", path, "get"));
            LocalRef again = LocalRef.parse(ref.toString());
            assertEquals(ref, again, ref.toString());
            JsonValue document = JSON.createObjectBuilder().add("paths", JSON.createObjectBuilder().add(path,
                    JSON.createObjectBuilder().add("get", "it"))).build();
            assertEquals("it", ((JsonString) again.resolveIn(document)).getString());
            assertTrue(OpenApiWalk.resolves(document.asJsonObject(), ref.toString()), ref.toString());
        }
    }
}
