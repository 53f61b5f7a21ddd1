package dev.mik.script;

import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;

/**
 * A script accepted by {@link ScriptSandbox#compile}: its instrumented factory function, compiled once in
 * the sandbox's hardened global and called once per run with that run's guard.
 */
public final class CompiledScript {

    private final String name;
    private final ScriptSandbox owner;
    private final ScriptObjectMirror factory;
    private final String instrumentedSource;

    CompiledScript(String name, ScriptSandbox owner, ScriptObjectMirror factory, String instrumentedSource) {
        this.name = name;
        this.owner = owner;
        this.factory = factory;
        this.instrumentedSource = instrumentedSource;
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
