package dev.mik.lifecycle;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/** Starts draining when the servlet context goes away, the first thing both servers do on an undeploy. */
@WebListener
public class DrainListener implements ServletContextListener {

    @Inject
    Drain drain;

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        drain.drain("the servlet context is being destroyed");
    }
}
