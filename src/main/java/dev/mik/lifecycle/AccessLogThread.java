package dev.mik.lifecycle;

import dev.mik.observability.AccessLog;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

/**
 * The access log's writer thread ({@link AccessLog}), one of {@link MikThreads}, from the application's start to its
 * end. At undeploy it writes every line it was given and ends; a request that ends later writes its own line.
 */
@ApplicationScoped
public class AccessLogThread {

    static final String THREAD_PREFIX = "mik-access-log-";
    /** Lines that may wait for the writer (a few hundred bytes each) before requests write their own. */
    static final int CAPACITY = 4_096;

    @PostConstruct
    void start() {
        AccessLog.writeInBackground(MikThreads.named(THREAD_PREFIX), CAPACITY);
    }

    /** Starts the writer with the application, before its first request. */
    void startWithTheApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        // observing the event is enough: it makes the container create this bean, which runs start()
    }

    @PreDestroy
    void stop() {
        AccessLog.writeOnCallingThreads();
    }
}
