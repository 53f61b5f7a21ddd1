/**
 * The script feature: the {@code /script} boundary, {@code ScriptExecutor} (the container bean: the sandbox, the
 * catalog of script files, discovery and warm-up), {@code ScriptRuns} (the plain control: the limits a run gets, its
 * memory reservation, the run and its answer), {@code host.call} turned into handler runs ({@code HostCallBridge}, its
 * options bound as {@code CallOptions}), and {@code /_mik/scripts}. The sandbox itself is {@code dev.mik.sandbox}.
 */
package dev.mik.script;
