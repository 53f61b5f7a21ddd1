package dev.mik.warmup;

import dev.mik.observability.RequestCorrelation;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The warm-up's last step: every route mik serves is requested once over loopback HTTP, the way clients will, so the
 * first client request of each does not pay for the server's and JAX-RS's first pass through it (measured on Payara
 * Micro: after the in-process rehearsals a first {@code /run} request still took 75–120 ms, the next one 15 ms). Each
 * request carries this deployment's rehearsal secret ({@link RequestCorrelation#REHEARSAL_HEADER}), which makes it a
 * rehearsal: answered, but counted nowhere and never longer than a rehearsal may run.
 */
final class HttpRehearsal {

    private static final Logger LOG = Logger.getLogger(HttpRehearsal.class.getName());
    /** The longest one rehearsal request may take, answer included. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    private static final String EMPTY_JSON = "{}";

    private HttpRehearsal() {
    }

    /**
     * Sends {@code GET} and {@code POST {}} to each module's route and {@code POST {}} to each script's, one after
     * another, and answers how many were answered at all (any status).
     *
     * @param base the application's root as the server itself reaches it, ending in {@code /}
     */
    static int run(URI base, String secret, List<String> modules, List<String> scripts, Executor executor) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(REQUEST_TIMEOUT).build();
        int answered = 0;
        for (String module : modules) {
            answered += send(client, base.resolve("run/" + module), "GET", secret);
            answered += send(client, base.resolve("run/" + module), "POST", secret);
        }
        for (String script : scripts) {
            answered += send(client, base.resolve("script/" + script), "POST", secret);
        }
        return answered;
    }

    private static int send(HttpClient client, URI route, String method, String secret) {
        HttpRequest.Builder request = HttpRequest.newBuilder(route).timeout(REQUEST_TIMEOUT)
                .header(RequestCorrelation.REHEARSAL_HEADER, secret)
                .header(RequestCorrelation.REQUEST_ID_HEADER, RequestCorrelation.REHEARSAL_REQUEST_ID);
        if (method.equals("POST")) {
            request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(EMPTY_JSON));
        }
        try {
            client.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return 1;
        } catch (IOException e) {
            LOG.log(Level.FINE, "A rehearsal request to " + route + " got no answer", e);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
