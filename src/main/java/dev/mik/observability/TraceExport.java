package dev.mik.observability;

import dev.mik.config.MikConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.logging.Logger;

/**
 * Starts the trace exporter with the application when {@code mik.otel.endpoint} is set (read at deployment), and
 * stops it, sending what is queued, on undeploy. Unset, no SDK class is loaded and spans cost one small object.
 */
@ApplicationScoped
public class TraceExport {

    private static final Logger LOG = Logger.getLogger(TraceExport.class.getName());

    @Inject
    MikConfig config;

    /** The running exporter's spans, typed as the interface so this bean never loads the SDK itself. */
    private Spans exporting;

    @PostConstruct
    void start() {
        config.otelEndpoint().ifPresent(endpoint -> {
            TraceSettings settings = TraceSettings.of(endpoint, config.otelServiceName(), config.otelQueueSize());
            exporting = OtelSpans.start(settings);
            Tracing.use(exporting);
            LOG.info(() -> "Exporting traces over OTLP/HTTP to " + settings.tracesUrl() + " as service "
                    + settings.serviceName() + " (OpenTelemetry SDK " + OtelSpans.sdkVersion() + " from "
                    + OtelSpans.sources() + ").");
        });
    }

    /** Starts the exporter with the application, before its first request. */
    void startWithTheApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        // observing the event is enough: it makes the container create this bean, which runs start()
    }

    @PreDestroy
    void stop() {
        if (exporting != null) {
            Tracing.stop();
            ((OtelSpans) exporting).shutdown();
            exporting = null;
        }
    }
}
