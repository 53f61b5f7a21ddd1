package dev.mik.sandbox;

import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;

import java.util.SortedSet;

/**
 * A script accepted by {@link ScriptSandbox#compile}: its instrumented factory function, compiled once in
 * the sandbox's hardened global and called once per run with that run's guard.
 */
public final class CompiledScript {

    private final String name;
    private final ScriptSandbox owner;
    private final ScriptObjectMirror factory;
    private final String instrumentedSource;
    private final SortedSet<String> hostCallTargets;

    CompiledScript(String name, ScriptSandbox owner, ScriptObjectMirror factory, String instrumentedSource,
                   SortedSet<String> hostCallTargets) {
        this.name = name;
        this.owner = owner;
        this.factory = factory;
        this.instrumentedSource = instrumentedSource;
        this.hostCallTargets = hostCallTargets;
    }

    /** The modules its {@code host.call}s name as string literals ({@link HostCallTargets}). */
    public SortedSet<String> hostCallTargets() {
        return hostCallTargets;
    }

    public String name() {
        return name;
    }

    /** The source as compiled: the user's code inside the factory, with the guard calls inserted. */
    public String instrumentedSource() {
        return instrumentedSource;
    }

    ScriptSandbox owner() {
        return owner;
    }

    ScriptObjectMirror factory() {
        return factory;
    }
}
