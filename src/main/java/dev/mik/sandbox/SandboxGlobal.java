package dev.mik.sandbox;

import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;
import org.openjdk.nashorn.internal.runtime.Property;
import org.openjdk.nashorn.internal.runtime.PropertyMap;
import org.openjdk.nashorn.internal.runtime.ScriptObject;

import java.util.List;

/**
 * The scripts that turn a fresh Nashorn global into the sandbox's one hardened global, run once per sandbox:
 * {@link #cleanupScript()} first, then {@link BuiltinCaps}, then {@link #lockScript()}.
 * <ul>
 * <li>Cleanup removes every global that is not a standard ECMAScript builtin (Java, Packages, load, quit, exit,
 * print, eval, Function, JSAdapter, typed arrays ...), pins {@code engine} and {@code context} to undefined,
 * removes Nashorn's extensions on the builtins, makes the Function constructor unreachable from functions,
 * replaces the error constructors with ones that drop the Java exception Nashorn attaches to each error, and
 * replaces RegExp with a constructor without the legacy statics ({@code RegExp.$1}), which hold the last match
 * of any run.</li>
 * <li>Lock makes the built-ins that write an object's internal state (Date setters, {@code RegExp.prototype.compile},
 * every accessor setter) refuse a shared built-in receiver, then freezes every object reachable from the global,
 * plus the prototypes only instances reach (iterators). Together no run can leave state for a later or a
 * concurrent run, internal slots included. {@code Math.random} draws from a generator of the run's own
 * ({@link ScriptRandom}).</li>
 * </ul>
 * Java members of primitives ({@code "x".bytes}, {@code (1).getClass}) are not stubbed here: {@link JavaMemberBarrier}
 * stops their link.
 */
final class SandboxGlobal {

    private SandboxGlobal() {
    }

    /** Nashorn's compile-time location names: a script reads them as constants, the global holds a placeholder. */
    private static final List<String> COMPILE_TIME_SLOTS = List.of("__FILE__", "__DIR__", "__LINE__");

    /**
     * Deletes the global's {@code __FILE__}, {@code __DIR__} and {@code __LINE__}. Nashorn defines them as constants
     * (neither writable nor configurable, so no script can delete them) whose value is an inert
     * {@code java.lang.Object}: a Java object any script reaches through the global. Without them a script that names
     * one gets a ReferenceError, like for every other Nashorn extension the cleanup removes.
     */
    static void removeCompileTimeSlots(ScriptObjectMirror globalMirror) {
        ScriptObject global = globalMirror.to(ScriptObject.class);
        for (String name : COMPILE_TIME_SLOTS) {
            // deleteOwnProperty would first write undefined through the constant's (absent) setter
            Property slot = global.getMap().findProperty(name);
            PropertyMap without = slot == null ? null : global.getMap().deleteProperty(slot);
            if (without == null) {
                throw new IllegalStateException("the global's compile-time slot " + name + " could not be removed");
            }
            global.setMap(without);
        }
    }

    /** A function of the global object. */
    static String cleanupScript() {
        return CLEANUP;
    }

    /** A function of the global object and a {@link ScriptRandom}; run after {@link BuiltinCaps} to freeze its work. */
    static String lockScript() {
        return LOCK;
    }

    /** Removes every non-standard global, Nashorn's extensions, and the paths to Java exceptions. */
    private static final String CLEANUP = SandboxResources.text("cleanup.js");

    /**
     * Makes built-ins refuse to write the internal state of a shared object, gives {@code Math.random} a per-run
     * {@link ScriptRandom}, then freezes everything shared.
     */
    private static final String LOCK = SandboxResources.text("lock.js");
}
