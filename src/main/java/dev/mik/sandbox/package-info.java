/**
 * The Nashorn sandbox, free of Jakarta EE: compiling a script (parse, rewrite its module form, inject and verify
 * guards), running it ({@code RunGuard}: the deadline, the allocation budget, the host-call hand-off), the hardened
 * global with every builtin capped ({@code SandboxGlobal}, {@code BuiltinCaps}, {@code builtins.tsv}), and the guard
 * watchdog. Its public surface is {@code ScriptSandbox}, {@code CompiledScript}, {@code ScriptLimits},
 * {@code ScriptResult}, {@code HostBridge}, {@code ScriptConsole} and the exceptions, with {@code BuiltinCaps} and
 * {@code JsonShape} for the limits the feature shares.
 */
package dev.mik.sandbox;
