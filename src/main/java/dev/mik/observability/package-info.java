/**
 * What an operator sees of mik: request ids and W3C trace context on every response, Prometheus metrics,
 * and the one escaping rule for values written to the log.
 */
package dev.mik.observability;
