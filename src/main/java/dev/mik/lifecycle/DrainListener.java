package dev.mik.lifecycle;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Starts draining when the servlet context goes away: on both Payara and WildFly the earliest signal an undeploy gives
 * the application before its beans are destroyed. By then both servers route no new request to it (WildFly has
 * unregistered the context; Payara has marked it unavailable and destroyed its servlets), so the drain's work is to let
 * the runs in flight finish before anything they use is released. Once they are done no script runs any more, so
 * Nashorn's JVM-wide caches are released too, and so are the server threads' hold on mik's classes (Java 17).
 */
@WebListener
public class DrainListener implements ServletContextListener {

    @Inject
    Drain drain;

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        drain.drain("the servlet context is being destroyed");
        SharedJvmState.releaseNashornCaches();
        SharedJvmState.releaseThreadContexts();
    }
}
