package dev.mik.lifecycle;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What mik leaves in JVM-wide state that would outlive an undeploy and keep mik's class loader (and so every class of
 * this deployment) alive: found by JFR's old-object samples with paths to GC roots after redeploys.
 * <ul>
 * <li>The JDK's one {@code CompletableFutureDelayScheduler} thread (behind {@code completeOnTimeout}) is made by its
 * first user and inherits that thread's context class loader; started by mik, it would hold mik's loader for the life
 * of the JVM. It is started here, before mik first uses it, with no context class loader. On Java 17 a new thread also
 * inherits the access-control context of the stack that starts it, whose protection domains name mik's loader: that
 * pin remains (the first deployment only), as it does for every container thread started while mik submits work.</li>
 * <li>Nashorn keeps caches in {@link ClassValue}s; an entry for a JDK class (its call-site descriptors are cached per
 * lookup class, and public lookups are {@code Object}'s) lives in that class's own map, which the JVM never drops, and
 * the entry's value references Nashorn's classes. Those entries are removed when mik is released.</li>
 * </ul>
 */
public final class SharedJvmState {

    private static final Logger LOG = Logger.getLogger(SharedJvmState.class.getName());

    /** Nashorn's class-keyed caches whose values reference Nashorn's own classes: {@code class name, field name}. */
    private static final List<String[]> NASHORN_CLASS_VALUES = List.of(
            new String[] {"org.openjdk.nashorn.internal.runtime.linker.NashornCallSiteDescriptor", "canonicals"},
            new String[] {"org.openjdk.nashorn.internal.runtime.linker.NashornLinker", "ARRAY_CONVERTERS"},
            new String[] {"org.openjdk.nashorn.internal.runtime.linker.JavaAdapterFactory", "ADAPTER_INFO_MAPS"});

    /** The JDK classes Nashorn keys those caches by in a sandbox that hands scripts no Java type. */
    private static final List<Class<?>> JDK_KEYS = List.of(Object.class, Object[].class);

    private SharedJvmState() {
    }

    /** Starts the JDK's shared delay thread, if no one has yet, without this application's class loader. */
    public static void startSharedThreadsWithoutThisApplication() {
        Thread current = Thread.currentThread();
        ClassLoader loader = current.getContextClassLoader();
        current.setContextClassLoader(null);
        try {
            CompletableFuture.delayedExecutor(0, TimeUnit.MILLISECONDS).execute(() -> { });
        } finally {
            current.setContextClassLoader(loader);
        }
    }

    /** Drops Nashorn's entries in the JDK classes' caches; called once no script runs any more. */
    public static void releaseNashornCaches() {
        for (String[] cache : NASHORN_CLASS_VALUES) {
            Class<?> owner;
            try {
                owner = Class.forName(cache[0], false, SharedJvmState.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError | IllegalStateException neverLoaded) {
                continue; // a class never loaded cached nothing (and a stopping loader loads no more: Payara)
            }
            try {
                Field field = owner.getDeclaredField(cache[1]);
                field.setAccessible(true);
                ClassValue<?> values = (ClassValue<?>) field.get(null);
                JDK_KEYS.forEach(values::remove);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // a later Nashorn may name them differently: the redeploy test's class count is what notices
                LOG.log(Level.WARNING, "Could not release Nashorn's cache " + cache[0] + "." + cache[1]
                        + "; a redeploy may keep this deployment's classes", e);
            }
        }
    }
}
