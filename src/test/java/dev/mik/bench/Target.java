package dev.mik.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One endpoint under load. {@code optional} targets (scripts) are dropped when they fail during warmup instead of
 * being measured.
 */
record Target(String id, String group, String method, String path, String body, boolean optional) {

    static final String SMALL_JSON = "{\"greeting\":\"hello\",\"n\":42,\"tags\":[\"a\",\"b\"]}";

    static Target get(String id, String group, String path) {
        return new Target(id, group, "GET", path, null, false);
    }

    static Target post(String id, String group, String path, String body) {
        return new Target(id, group, "POST", path, body, false);
    }

    static Target script(String name, String body) {
        return new Target("mik-script-" + name, "mik script", "POST", "/mik/script/" + name, body, true);
    }

    String request() {
        return method + " " + path;
    }

    /** Built once per run and sent many times: {@link HttpRequest} is immutable. */
    HttpRequest httpRequest(URI server) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(30));
        if (body == null) {
            return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        return builder.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
    }
}
