package dev.mik.demo;

import dev.mik.testing.Http;
import dev.mik.testing.MikDeployment;
import dev.mik.testing.ServerTest;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkout demo's six handlers (handlers/README.md) through {@code /run/...} on a real Payara Micro:
 * every success and error path, with exact status codes and bodies.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DemoHandlersIT extends ServerTest {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return MikDeployment.named("demo-handlers-it")
                .handler("auth").handler("guest-checkout").handler("inventory")
                .handler("payment").handler("orders").handler("notifications")
                .war();
    }

    // --- auth (C) ---

    @ParameterizedTest
    @CsvSource({"demo-token-alice, u-alice, alice@example.com",
            "demo-token-bob, u-bob, bob@example.com",
            "demo-token-carol, u-carol, carol@example.com"})
    void authVerifiesEachDemoToken(String token, String userId, String email) {
        assertJson(http.post("run/auth/verify", "{\"token\":\"" + token + "\"}"), 200,
                "{\"userId\":\"" + userId + "\",\"email\":\"" + email + "\"}");
    }

    @Test
    void authRejectsAnUnknownTokenWith401() {
        assertJson(http.post("run/auth/verify", "{\"token\":\"stolen\"}"), 401, "{\"error\":\"invalid token\"}");
    }

    @Test
    void authRejectsATokenWithAHiddenNulInsteadOfMatchingItsPrefix() {
        assertJson(http.post("run/auth/verify", "{\"token\":\"demo-token-alice\\u0000x\"}"), 400,
                "{\"error\":\"token must be a non-empty string\"}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                |token must be a non-empty string",
            "{\"token\":42}    |token must be a non-empty string",
            "{\"token\":\"\"}  |token must be a non-empty string",
            "[\"demo-token-alice\"] |body must be a JSON object",
            "''                |body must be a JSON object"})
    void authRejectsAWrongShapeWith400(String body, String error) {
        assertJson(http.post("run/auth/verify", body), 400, errorBody(error));
    }

    // --- guest-checkout (Rust) ---

    @Test
    void guestCheckoutCreatesAGuestOrderWhoseIdIsTheFnvHashOfTheBody() {
        String body = "{\"items\":[{\"sku\":\"MUG-01\",\"qty\":1}],\"email\":\"guest@example.com\"}";
        var reply = http.post("run/guest-checkout", body);
        assertJson(reply, 201, "{\"orderId\":\"g-" + fnv1a32(body) + "\",\"guest\":true}");
        assertEquals(reply.body(), http.post("run/guest-checkout/", body).body(), "same body, same id");
        assertNotEquals(reply.body(), http.post("run/guest-checkout", body + " ").body());
    }

    @Test
    void guestCheckoutTakesAnEmptyBodyAsNull() {
        assertJson(http.post("run/guest-checkout", ""), 201, "{\"orderId\":\"g-811c9dc5\",\"guest\":true}");
    }

    // --- inventory (C) ---

    @Test
    void inventoryTotalsABasketThatIsInStock() {
        assertJson(http.post("run/inventory/check",
                        "{\"items\":[{\"sku\":\"MUG-01\",\"qty\":2},{\"sku\":\"STICKERS\",\"qty\":3}]}"),
                200, "{\"available\":true,\"missing\":[],\"total\":3400}");
    }

    @Test
    void inventoryListsUnknownAndUnderstockedItemsAndTotalsTheRest() {
        String items = "{\"items\":[{\"sku\":\"MUG-01\",\"qty\":2},{\"sku\":\"NOPE\",\"qty\":1},"
                + "{\"sku\":\"HOODIE-L\",\"qty\":3},{\"sku\":\"POSTER-A2\",\"qty\":1},"
                + "{\"sku\":\"TSHIRT-M\",\"qty\":5}]}";
        assertJson(http.post("run/inventory/check", items), 200,
                "{\"available\":false,\"missing\":[\"NOPE\",\"HOODIE-L\",\"POSTER-A2\"],\"total\":12500}");
    }

    @Test
    void inventoryAcceptsAnEmptyBasketAndWholeNumbersWrittenAsDecimals() {
        assertJson(http.post("run/inventory/check", "{\"items\":[]}"), 200,
                "{\"available\":true,\"missing\":[],\"total\":0}");
        assertJson(http.post("run/inventory/check", "{\"items\":[{\"sku\":\"HOODIE-L\",\"qty\":2.0}]}"), 200,
                "{\"available\":true,\"missing\":[],\"total\":9000}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                                          |items must be an array",
            "{\"items\":{\"sku\":\"MUG-01\",\"qty\":1}}  |items must be an array",
            "{\"items\":[{\"sku\":\"MUG-01\",\"qty\":0}]}   |items[0].qty must be a positive integer",
            "{\"items\":[{\"sku\":\"MUG-01\",\"qty\":-1}]}  |items[0].qty must be a positive integer",
            "{\"items\":[{\"sku\":\"MUG-01\",\"qty\":1.5}]} |items[0].qty must be a positive integer",
            "{\"items\":[{\"sku\":\"MUG-01\",\"qty\":\"2\"}]} |items[0].qty must be a positive integer",
            "{\"items\":[{\"sku\":\"MUG-01\"}]}             |items[0].qty must be a positive integer",
            "{\"items\":[{\"sku\":\"MUG-01\",\"qty\":1},{\"qty\":1}]} |items[1].sku must be a non-empty string",
            "{\"items\":[7]}                                |items[0].sku must be a non-empty string"})
    void inventoryRejectsAWrongShapeWith400(String body, String error) {
        assertJson(http.post("run/inventory/check", body), 400, errorBody(error));
    }

    // --- payment (Rust) ---

    @Test
    void paymentApprovesAnyOtherMethodWithAnIdDerivedFromAmountAndMethod() {
        assertJson(http.post("run/payment/charge", "{\"amount\":2500,\"method\":\"card\"}"), 200,
                "{\"id\":\"p-" + fnv1a32("{\"amount\":2500,\"method\":\"card\"}") + "\"}");
        assertJson(http.post("run/payment/charge", "{\"method\":\"card\",\"amount\":2500.0}"), 200,
                "{\"id\":\"p-6da17123\"}");
        assertJson(http.post("run/payment/charge", "{\"amount\":0,\"method\":\"wallet\"}"), 200,
                "{\"id\":\"p-" + fnv1a32("{\"amount\":0,\"method\":\"wallet\"}") + "\"}");
    }

    @Test
    void paymentDeclinedIs402() {
        assertJson(http.post("run/payment/charge", "{\"amount\":2500,\"method\":\"declined\"}"), 402,
                "{\"error\":\"payment declined\"}");
    }

    @Test
    void paymentUnavailableIs503WithRetryAfter() {
        var reply = http.post("run/payment/charge", "{\"amount\":2500,\"method\":\"unavailable\"}");
        assertJson(reply, 503, "{\"error\":\"payment provider unavailable, retry later\"}");
        assertEquals("1", reply.header("Retry-After"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"method\":\"card\"}                    |amount must be a non-negative number",
            "{\"amount\":-1,\"method\":\"card\"}      |amount must be a non-negative number",
            "{\"amount\":\"10\",\"method\":\"card\"}  |amount must be a non-negative number",
            "{\"amount\":null,\"method\":\"card\"}    |amount must be a non-negative number",
            "{\"amount\":10}                          |method must be a non-empty string",
            "{\"amount\":10,\"method\":\"\"}          |method must be a non-empty string",
            "[]                                       |body must be a JSON object"})
    void paymentRejectsAWrongShapeWith400(String body, String error) {
        assertJson(http.post("run/payment/charge", body), 400, errorBody(error));
    }

    // --- orders (C) ---

    @Test
    void ordersCreatesAnOrderWhoseIdIsTheHashOfTheCanonicalOrder() {
        String canonical = "{\"userId\":\"u-alice\",\"paymentId\":\"p-6da17123\","
                + "\"items\":[{\"sku\":\"MUG-01\",\"qty\":2}]}";
        String expected = "{\"id\":\"o-" + fnv1a32(canonical) + "\"}";
        assertJson(http.post("run/orders/create", canonical), 201, expected);
        String reordered = " { \"items\" : [ { \"qty\" : 2.0, \"sku\" : \"MUG-01\" } ], \"note\": \"ignored\","
                + " \"paymentId\" : \"p-6da17123\", \"userId\" : \"u-alice\" } ";
        assertJson(http.post("run/orders/create", reordered), 201, expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"items\":[{\"sku\":\"A\",\"qty\":1}],\"paymentId\":\"p\"}               "
                    + "|userId must be a non-empty string",
            "{\"userId\":\"u\",\"paymentId\":\"p\"}                                    "
                    + "|items must be a non-empty array",
            "{\"userId\":\"u\",\"items\":[],\"paymentId\":\"p\"}                       "
                    + "|items must be a non-empty array",
            "{\"userId\":\"u\",\"items\":[{\"sku\":\"A\",\"qty\":1}]}                  "
                    + "|paymentId must be a non-empty string",
            "{\"userId\":\"u\",\"items\":[{\"sku\":\"\",\"qty\":1}],\"paymentId\":\"p\"} "
                    + "|items[0].sku must be a non-empty string",
            "{\"userId\":\"u\",\"items\":[{\"sku\":\"A\",\"qty\":0}],\"paymentId\":\"p\"} "
                    + "|items[0].qty must be a positive integer",
            "\"order\"                                                                 "
                    + "|body must be a JSON object"})
    void ordersRejectsMissingFieldsWith400(String body, String error) {
        assertJson(http.post("run/orders/create", body), 400, errorBody(error));
    }

    // --- notifications (Rust) ---

    @Test
    void notificationsQueuesAValidNotification() {
        assertJson(http.post("run/notifications/send",
                        "{\"type\":\"order-confirmation\",\"orderId\":\"o-1\",\"email\":\"alice@example.com\"}"),
                202, "{\"queued\":true}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"orderId\":\"o-1\",\"email\":\"a@b\"}                 |type must be a non-empty string",
            "{\"type\":\"t\",\"email\":\"a@b\"}                      |orderId must be a non-empty string",
            "{\"type\":\"t\",\"orderId\":\"o-1\"}                    |email must be a non-empty string",
            "{\"type\":\"t\",\"orderId\":\"o-1\",\"email\":\"nobody\"} |email must be an address like name@example.com",
            "{\"type\":\"t\",\"orderId\":\"o-1\",\"email\":\"a@b@c\"}  |email must be an address like name@example.com",
            "''                                                       |body must be a JSON object"})
    void notificationsRejectsMissingFieldsWith400(String body, String error) {
        assertJson(http.post("run/notifications/send", body), 400, errorBody(error));
    }

    // --- what every handler shares: JSON parsing, routes and methods ---

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource({"auth/verify, C", "inventory/check, C", "orders/create, C",
            "guest-checkout, Rust", "payment/charge, Rust", "notifications/send, Rust"})
    void malformedJsonIsA400NamingTheProblemAndItsOffsetInBothLanguages(String route, String language) {
        assertJson(http.post("run/" + route, "{\"a\":"), 400,
                errorBody("invalid JSON: unexpected end of input at byte 5"));
        assertJson(http.post("run/" + route, "{\"a\":1,}"), 400,
                errorBody("invalid JSON: expected a string key at byte 7"));
        assertJson(http.post("run/" + route, "{'a':1}"), 400,
                errorBody("invalid JSON: expected a string key at byte 1"));
        assertJson(http.post("run/" + route, "{\"a\":\"\\ud800\"}"), 400,
                errorBody("invalid JSON: invalid surrogate pair at byte 6"));
        assertJson(http.post("run/" + route, "{} x"), 400, errorBody("invalid JSON: trailing characters at byte 3"));
        assertJson(http.post("run/" + route, "[".repeat(33) + "]".repeat(33)), 400,
                errorBody("invalid JSON: nesting too deep at byte 32"));
    }

    @ParameterizedTest
    @CsvSource({"auth, /verify", "inventory, /check", "orders, /create",
            "guest-checkout, /", "payment, /charge", "notifications, /send"})
    void anUnknownPathIs404AndAnotherMethodIs405WithAllow(String module, String path) {
        assertJson(http.post("run/" + module + "/nope", "{}"), 404, errorBody("not found: use POST " + path));
        var reply = http.get("run/" + module + path);
        assertJson(reply, 405, errorBody("method not allowed: use POST " + path));
        assertEquals("POST", reply.header("Allow"));
    }

    private static void assertJson(Http.Reply reply, int status, String body) {
        assertEquals(status, reply.status(), reply::toString);
        assertTrue(reply.header("Content-Type").startsWith("application/json"), reply::toString);
        assertEquals(body, reply.body());
    }

    private static String errorBody(String message) {
        return "{\"error\":\"" + message + "\"}";
    }

    /** The demo's id hash: 32-bit FNV-1a over the UTF-8 bytes, as 8 lower-case hex digits. */
    private static String fnv1a32(String text) {
        int hash = 0x811c9dc5;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x01000193;
        }
        return String.format("%08x", hash);
    }
}
