package dev.mik.sandbox;

import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;
import org.openjdk.nashorn.internal.runtime.JSType;
import org.openjdk.nashorn.internal.runtime.ScriptObject;

/** What a script may hold: JavaScript primitives and script objects, never any other Java object. */
final class ScriptValues {

    private ScriptValues() {
    }

    /**
     * True for null, undefined, strings (concatenated ones too), the number classes Nashorn treats as JavaScript
     * numbers, booleans, symbols, and script objects (as themselves or, once handed to Java, as mirrors).
     */
    static boolean isScriptValue(Object value) {
        return JSType.isPrimitive(value) || value instanceof ScriptObject || value instanceof ScriptObjectMirror;
    }
}
