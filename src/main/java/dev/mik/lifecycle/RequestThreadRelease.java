package dev.mik.lifecycle;

import dev.mik.observability.RequestCorrelation;
import dev.mik.sandbox.ScriptRandom;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Gives the server's request thread back without mik's per-thread values once a dispatch is done. A value of one of
 * mik's classes left on a pooled thread holds mik's class loader after an undeploy, so every redeploy would keep one
 * more copy of mik's classes (Payara logs each such value as SEVERE when it undeploys).
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true, dispatcherTypes = {DispatcherType.REQUEST, DispatcherType.ASYNC})
public class RequestThreadRelease extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            chain.doFilter(request, response);
        } finally {
            RequestCorrelation.forgetThisThread();
            ScriptRandom.forgetThisThread();
        }
    }
}
