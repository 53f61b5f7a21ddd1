/**
 * The handler feature: the {@code /run} boundary, the {@code HandlerPool} EJB that owns the executors and the
 * {@code HandlerRuns} each run goes through (concurrency gate, deadline, memory, breaker), the module catalog and its
 * load-time probe, WAGI routes and environment, CGI response parsing, and {@code /_mik/handlers}.
 */
package dev.mik.run;
