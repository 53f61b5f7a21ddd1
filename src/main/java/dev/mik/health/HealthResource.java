package dev.mik.health;

import dev.mik.config.InvalidSetting;
import dev.mik.config.MikConfig;
import dev.mik.json.Jsonp;
import dev.mik.lifecycle.Drain;
import dev.mik.memory.HeapPressure;
import dev.mik.warmup.Warmup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.List;

/**
 * {@code GET /_mik/health/live} and {@code /_mik/health/ready}, in the MicroProfile Health response shape. mik serves
 * its own because WildFly's default configuration has no MicroProfile Health. Ready means the handlers directory
 * can be read and the heap is not under pressure ({@link HeapPressure}); a missing scripts directory only disables
 * scripts, so it is reported but does not fail readiness. Liveness never depends on the heap: a full server is shedding
 * load, not broken, and restarting it would lose the runs it is finishing. Readiness is DOWN while mik drains for an
 * undeploy or shutdown ({@link Drain}).
 */
@Path("_mik/health")
@ApplicationScoped
public class HealthResource {

    @Inject
    MikConfig config;

    @Inject
    HeapPressure pressure;

    @Inject
    Warmup warmup;

    @Inject
    Drain drain;

    @GET
    @Path("live")
    @Produces(MediaType.APPLICATION_JSON)
    public Response live() {
        return answer(Jsonp.arrayBuilder().add(check("server", true, "serving requests")), true);
    }

    @GET
    @Path("ready")
    @Produces(MediaType.APPLICATION_JSON)
    public Response ready(@Context HttpServletRequest probe) {
        URI root = loopbackRoot(probe);
        if (root != null) {
            warmup.probedAt(root);
        }
        java.nio.file.Path handlers = config.handlersDir().toAbsolutePath();
        java.nio.file.Path scripts = config.scriptsDir().toAbsolutePath();
        boolean handlersReadable = Files.isDirectory(handlers) && Files.isReadable(handlers);
        boolean scriptsReadable = Files.isDirectory(scripts) && Files.isReadable(scripts);
        String heapReason = pressure.reason();
        String warming = warmup.reason();
        String draining = drain.reason();
        JsonArrayBuilder checks = Jsonp.arrayBuilder()
                // whether, not where: the health endpoints answer anyone, and a path tells an attacker about the host
                .add(check("handlers-dir", handlersReadable, handlersReadable ? "readable"
                        : "not a readable directory (" + MikConfig.HANDLERS_DIR + ")"))
                .add(check("scripts-dir", true, scriptsReadable ? "readable"
                        : "not a readable directory (" + MikConfig.SCRIPTS_DIR + "): /script is unavailable"))
                .add(check("heap", heapReason == null, heapReason == null
                        ? pressure.usedPercent() + "% full after the latest garbage collection" : heapReason))
                .add(check("warmup", warming == null, warming == null ? "modules and scripts compiled" : warming))
                .add(configCheck())
                .add(check("drain", draining == null, draining == null ? "serving" : draining));
        return answer(checks, handlersReadable && heapReason == null && warming == null && draining == null);
    }

    /**
     * Names every refused {@code mik.*} value with the value serving instead. It stays UP: the server serves with
     * valid values, and a typo must not take it out of its load balancer.
     */
    private JsonObject configCheck() {
        List<InvalidSetting> refused = config.invalidSettings();
        if (refused.isEmpty()) {
            return check("config", true, "every mik.* value is valid");
        }
        JsonArrayBuilder invalid = Jsonp.arrayBuilder();
        refused.forEach(setting -> invalid.add(Jsonp.objectBuilder().add("key", setting.key())
                .add("value", setting.value()).add("reason", setting.reason()).add("allowed", setting.allowed())
                .add("inForce", setting.inForce())));
        return Jsonp.objectBuilder()
                .add("name", "config")
                .add("status", "UP")
                .add("data", Jsonp.objectBuilder()
                        .add("detail", refused.size() + " mik.* value(s) refused; the values in force are listed")
                        .add("invalid", invalid))
                .build();
    }

    /**
     * The application's root at the address and port this probe reached, which the server itself can reach too; null
     * when that address makes no URI (an IPv6 zone, say).
     */
    private static URI loopbackRoot(HttpServletRequest probe) {
        String address = probe.getLocalAddr();
        String host = address.contains(":") ? "[" + address + "]" : address;
        try {
            return new URI(probe.getScheme() + "://" + host + ":" + probe.getLocalPort() + probe.getContextPath()
                    + "/");
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static JsonObject check(String name, boolean up, String detail) {
        return Jsonp.objectBuilder()
                .add("name", name)
                .add("status", up ? "UP" : "DOWN")
                .add("data", Jsonp.objectBuilder().add("detail", detail))
                .build();
    }

    private static Response answer(JsonArrayBuilder checks, boolean up) {
        JsonObject body = Jsonp.objectBuilder().add("status", up ? "UP" : "DOWN").add("checks", checks).build();
        return Response.status(up ? 200 : 503).type(MediaType.APPLICATION_JSON_TYPE).entity(body.toString()).build();
    }
}
