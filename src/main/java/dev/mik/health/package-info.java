/**
 * Health in the MicroProfile Health shape: liveness, and readiness that stays DOWN until the warm-up is done and
 * goes DOWN under heap pressure or with a directory mik cannot read. It reads the other packages' state and nothing
 * depends on it.
 */
package dev.mik.health;
