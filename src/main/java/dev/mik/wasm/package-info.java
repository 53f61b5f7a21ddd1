/**
 * The Chicory adapter, free of Jakarta EE: compiling a module (with the persistent compiled-code cache), preparing
 * instances, running one with WAGI stdin/stdout, and the guest memory that is capped and paged on first touch.
 */
package dev.mik.wasm;
