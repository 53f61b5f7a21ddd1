package dev.mik.demo;

import dev.mik.testing.Http;
import dev.mik.testing.MikDeployment;
import dev.mik.testing.ServerTest;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo a new user runs first: {@code scripts/checkout.js} over the six demo handlers, every path end to end. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CheckoutIT extends ServerTest {

    private static final String NAME = "checkout-it";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return MikDeployment.named(NAME)
                .handler("auth").handler("guest-checkout").handler("inventory")
                .handler("payment").handler("orders").handler("notifications")
                .script("checkout")
                .war();
    }

    /** First, on a fresh server, like a new user: every module is compiled on first use inside this request. */
    @Test
    @Order(1)
    void paidCheckoutCreatesTheOrderAndReturnsItsIdAndTotal() {
        var reply = checkout("{\"token\":\"demo-token-alice\",\"items\":[{\"sku\":\"MUG-01\",\"qty\":2}],"
                + "\"payment\":\"card\"}");
        assertEquals(201, reply.status(), reply::toString);
        assertTrue(reply.body().matches("\\{\"orderId\":\"o-[0-9a-f]{8}\",\"total\":2500,\"status\":201}"),
                reply::toString);
        assertEquals(reply.body(), checkout("{\"token\":\"demo-token-alice\","
                + "\"items\":[{\"sku\":\"MUG-01\",\"qty\":2}],\"payment\":\"card\"}").body(),
                "the order id is derived from the input");
    }

    @Test
    void unknownTokenWithAllowGuestChecksOutAsGuest() {
        var reply = checkout("{\"token\":\"nope\",\"allow_guest\":true,\"items\":[{\"sku\":\"STICKERS\",\"qty\":1}],"
                + "\"payment\":\"card\"}");
        assertEquals(201, reply.status(), reply::toString);
        JsonObject guest = reply.json();
        assertTrue(guest.getBoolean("guest"));
        assertTrue(guest.getString("orderId").matches("g-[0-9a-f]{8}"), reply::toString);
    }

    @Test
    void unknownTokenWithoutGuestIsUnauthorized() {
        var reply = checkout("{\"token\":\"nope\",\"items\":[{\"sku\":\"MUG-01\",\"qty\":1}],\"payment\":\"card\"}");
        assertEquals(401, reply.status(), reply::toString);
        assertEquals("{\"error\":\"Unauthorized\",\"status\":401}", reply.body());
    }

    @Test
    void unavailableItemsAre422ListingThem() {
        var reply = checkout("{\"token\":\"demo-token-bob\",\"items\":[{\"sku\":\"HOODIE-L\",\"qty\":3},"
                + "{\"sku\":\"POSTER-A2\",\"qty\":1},{\"sku\":\"MUG-01\",\"qty\":1}],\"payment\":\"card\"}");
        assertEquals(422, reply.status(), reply::toString);
        assertEquals("{\"error\":\"Items unavailable\",\"unavailable\":[\"HOODIE-L\",\"POSTER-A2\"],\"status\":422}",
                reply.body());
    }

    @Test
    void paymentThatStaysUnavailableIs402AfterThreeAttempts() {
        var reply = checkout("{\"token\":\"demo-token-alice\",\"items\":[{\"sku\":\"MUG-01\",\"qty\":1}],"
                + "\"payment\":\"unavailable\"}");
        assertEquals(402, reply.status(), reply::toString);
        assertEquals("{\"error\":\"Payment failed\",\"attempts\":3,\"status\":402}", reply.body());
    }

    @Test
    void declinedPaymentIs402WithoutRetrying() {
        var reply = checkout("{\"token\":\"demo-token-alice\",\"items\":[{\"sku\":\"MUG-01\",\"qty\":1}],"
                + "\"payment\":\"declined\"}");
        assertEquals(402, reply.status(), reply::toString);
        assertEquals("{\"error\":\"Payment failed\",\"attempts\":1,\"status\":402}", reply.body());
    }

    @Test
    void failedNotificationDoesNotFailTheCheckout() throws Exception {
        Path notifications = MikDeployment.handlersDirOf(NAME).resolve("notifications.wasm");
        Path aside = notifications.resolveSibling("notifications.wasm.aside");
        Files.move(notifications, aside, StandardCopyOption.ATOMIC_MOVE);
        try {
            var reply = checkout("{\"token\":\"demo-token-carol\",\"items\":[{\"sku\":\"TSHIRT-M\",\"qty\":1}],"
                    + "\"payment\":\"card\"}");
            assertEquals(201, reply.status(), reply::toString);
            assertEquals(2000, reply.json().getInt("total"));
        } finally {
            Files.move(aside, notifications, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private Http.Reply checkout(String body) {
        return http.post("script/checkout", body, "Content-Type", "application/json");
    }
}
