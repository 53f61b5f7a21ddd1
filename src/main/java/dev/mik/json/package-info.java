/**
 * JSON through one JSON-P provider for open-ended documents (problem bodies, pass-through), and JSON-B records for
 * the typed discovery listings.
 */
package dev.mik.json;
