/**
 * Undeploy and shutdown: readiness DOWN first, new runs refused with 503 {@code draining}, runs in flight given
 * {@code mik.shutdown.drain-ms} before mik releases its resources; and the state mik must not leave behind on
 * threads and JDK caches it shares with the server.
 */
package dev.mik.lifecycle;
