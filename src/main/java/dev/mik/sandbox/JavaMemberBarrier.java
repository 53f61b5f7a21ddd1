package dev.mik.sandbox;

import jdk.dynalink.CallSiteDescriptor;
import jdk.dynalink.NamedOperation;
import jdk.dynalink.NamespaceOperation;
import jdk.dynalink.Operation;
import jdk.dynalink.StandardOperation;
import jdk.dynalink.beans.BeansLinker;
import jdk.dynalink.linker.GuardedInvocation;
import jdk.dynalink.linker.GuardingDynamicLinker;
import jdk.dynalink.linker.GuardingDynamicLinkerExporter;
import jdk.dynalink.linker.LinkRequest;
import jdk.dynalink.linker.LinkerServices;
import jdk.dynalink.linker.support.Guards;
import org.openjdk.nashorn.api.scripting.JSObject;
import org.openjdk.nashorn.internal.objects.Global;
import org.openjdk.nashorn.internal.runtime.ECMAException;
import org.openjdk.nashorn.internal.runtime.ScriptObject;
import org.openjdk.nashorn.internal.runtime.ScriptRuntime;
import org.openjdk.nashorn.internal.runtime.Undefined;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Set;

/**
 * A Dynalink linker, found by the engine's class loader through {@code META-INF/services}, that stands between
 * Nashorn's own linkers and its Java beans linker: every member access that Nashorn would hand to the beans linker
 * (a bean property or method on a primitive's Java class, such as {@code "x".bytes}, {@code "x".class} or
 * {@code (1).getClass}, or any member of any other Java object) reads {@code undefined}, and every other operation on
 * such an object (set, call, construct, delete) throws a TypeError. Only the sandbox's own guard objects, which trusted
 * and instrumented code call, keep their Java members; their methods are the one kind of Java callable allowed.
 * Nashorn consults this linker after it failed to find a JavaScript property, so it costs nothing on script values.
 */
public final class JavaMemberBarrier extends GuardingDynamicLinkerExporter {

    /** The Java objects that trusted runtime code and instrumented guard calls use; scripts never hold them. */
    private static final Set<Class<?>> GUARD_CLASSES = Set.of(RunGuard.class, GuardTicker.class,
            ScriptRandom.class);
    private static final String REFUSED = "Java objects are not available in scripts";

    private static final MethodHandle UNDEFINED = MethodHandles.constant(Object.class, ScriptRuntime.UNDEFINED);
    private static final MethodHandle REFUSE;

    static {
        try {
            REFUSE = MethodHandles.lookup().findStatic(JavaMemberBarrier.class, "refuse",
                    MethodType.methodType(Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public List<GuardingDynamicLinker> get() {
        return List.of(JavaMemberBarrier::link);
    }

    private static GuardedInvocation link(LinkRequest request, LinkerServices services) {
        Object receiver = request.getReceiver();
        if (!isJavaObject(receiver) || GUARD_CLASSES.contains(receiver.getClass())) {
            return null;
        }
        CallSiteDescriptor descriptor = request.getCallSiteDescriptor();
        Operation operation = NamespaceOperation.getBaseOperation(NamedOperation.getBaseOperation(
                descriptor.getOperation()));
        if (operation == StandardOperation.CALL && BeansLinker.isDynamicMethod(receiver)) {
            return null;   // a guard object's method: nothing else hands out a Java method
        }
        MethodHandle answer = operation == StandardOperation.GET ? UNDEFINED : REFUSE;
        // Nashorn's pre-link step adapts the Object result to the call site's (possibly optimistic) type
        MethodHandle invocation = MethodHandles.dropArguments(answer, 0,
                descriptor.getMethodType().parameterList());
        return new GuardedInvocation(invocation, Guards.getClassGuard(receiver.getClass()));
    }

    /** True for anything that is not a JavaScript value: Nashorn links those before this linker is asked. */
    static boolean isJavaObject(Object value) {
        return value != null && !(value instanceof Undefined) && !(value instanceof ScriptObject)
                && !(value instanceof JSObject);
    }

    @SuppressWarnings("unused")
    private static Object refuse() {
        throw new ECMAException(Global.instance().newTypeError(REFUSED), null);
    }
}
