/**
 * JSON through one JSON-P provider for open-ended documents (problem bodies, pass-through), and through one JSON-B
 * instance for typed records (the discovery listings, a {@code host.call}'s options).
 */
package dev.mik.json;
