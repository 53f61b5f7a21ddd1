package dev.mik.lifecycle;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Starts draining when the servlet context goes away: on both Payara and WildFly the first thing an undeploy tells the
 * application, after the server has stopped routing new requests to it and before any bean is destroyed. Once the
 * runs in flight are done, no script runs any more, so Nashorn's JVM-wide caches are released too.
 */
@WebListener
public class DrainListener implements ServletContextListener {

    @Inject
    Drain drain;

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        drain.drain("the servlet context is being destroyed");
        SharedJvmState.releaseNashornCaches();
    }
}
