/**
 * Memory no request may exhaust: the pool every run and body reserves from before it allocates, the budget bean
 * that sizes it from the heap, and heap-pressure watching that sheds load before the server runs out.
 */
package dev.mik.memory;
