package dev.mik.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/** {@code GET /_mik/metrics}: mik's metrics in the Prometheus text format (the server's own /metrics is separate). */
@Path("_mik/metrics")
@ApplicationScoped
public class MetricsResource {

    @Inject
    Metrics metrics;

    @GET
    @Produces("text/plain; version=0.0.4; charset=utf-8")
    public String scrape() {
        return metrics.prometheusText();
    }
}
