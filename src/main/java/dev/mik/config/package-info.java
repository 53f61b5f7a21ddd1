/**
 * The one place that reads {@code mik.*} settings: every value read together once a second, validated against
 * its allowed range, and kept at its last valid value (or its default) when a new one is bad.
 */
package dev.mik.config;
