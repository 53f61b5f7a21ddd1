/**
 * The script feature: the {@code /script} boundary, {@code ScriptExecutor} (the limits a run gets, its memory
 * reservation, the run on the managed executor), the catalog of script files, {@code host.call} turned into handler
 * runs ({@code HostCallBridge}, its options bound as {@code CallOptions}), and {@code /_mik/scripts}. The sandbox
 * itself is {@code dev.mik.sandbox}.
 */
package dev.mik.script;
