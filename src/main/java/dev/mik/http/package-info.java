/**
 * The HTTP edge shared by every route: the JAX-RS application, bounded non-blocking body reading (408, 413, 400
 * answered before a run starts), and the method-agnostic resource both {@code /run} and {@code /script} build on.
 */
package dev.mik.http;
