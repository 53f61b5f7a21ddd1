package dev.mik.lifecycle;

import java.lang.reflect.Field;
import java.security.AccessControlContext;
import java.security.AccessController;
import java.security.DomainCombiner;
import java.security.PrivilegedAction;
import java.security.ProtectionDomain;
import java.util.Arrays;
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
 * of the JVM. It is started here, before mik first uses it, with no context class loader.</li>
 * <li>On Java 17 to 23 a new thread inherits the access-control context of the stack that starts it, and the protection
 * domains in it name their class loaders: every container thread (a managed executor's, a scheduler's) started while
 * mik submitted work holds mik's loader for as long as the server keeps that thread. When mik is released, those
 * contexts are replaced by the same contexts without mik's domains ({@link #releaseThreadContexts()}).</li>
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

    /**
     * Takes this application's protection domains out of every live thread's inherited access-control context, so a
     * server thread started while mik's code was on its stack no longer keeps mik's class loader; called once mik has
     * stopped and starts no more threads. Without a security manager those contexts are never checked, so nothing
     * else changes; with one, the contexts only lose the domains of an application that is gone. Java 24 and later
     * keep no such context in a thread (the field is gone) and there is nothing to do. On a server that does not open
     * {@code java.lang} to applications the pin stays, and a warning says so.
     */
    public static void releaseThreadContexts() {
        releaseThreadContexts(SharedJvmState.class.getClassLoader());
    }

    /**
     * Takes the protection domains of classes loaded under {@code application} out of every live thread's inherited
     * access-control context; returns how many threads had one.
     */
    @SuppressWarnings("removal") // the access-control API is what Java 17's threads keep; this code only reads it
    static int releaseThreadContexts(ClassLoader application) {
        Field inherited;
        try {
            inherited = Thread.class.getDeclaredField("inheritedAccessControlContext");
            inherited.setAccessible(true);
        } catch (NoSuchFieldException noneOnThisJava) {
            return 0;
        } catch (RuntimeException notOpened) {
            LOG.log(Level.WARNING, "Could not release threads' access-control contexts (java.lang is not opened to"
                    + " applications); server threads started for mik keep this deployment's classes", notOpened);
            return 0;
        }
        int released = 0;
        for (Thread thread : liveThreads()) {
            try {
                if (inherited.get(thread) instanceof AccessControlContext context) {
                    ProtectionDomain[] domains = domainsOf(context);
                    ProtectionDomain[] kept = Arrays.stream(domains)
                            .filter(domain -> !loadedUnder(domain.getClassLoader(), application))
                            .toArray(ProtectionDomain[]::new);
                    if (kept.length < domains.length) {
                        inherited.set(thread, new AccessControlContext(kept));
                        released++;
                    }
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.WARNING, "Could not release the access-control context of thread " + thread.getName(), e);
            }
        }
        int count = released;
        LOG.fine(() -> "Released this deployment's access-control context from " + count + " threads.");
        return released;
    }

    /** Every thread alive now. */
    static List<Thread> liveThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() * 2 + 16];
        int count = root.enumerate(threads, true);
        return Arrays.asList(threads).subList(0, count);
    }

    /**
     * The protection domains of {@code context}, read through the public API: a context built on it with a domain
     * combiner hands its domains to the combiner when asked for the current context under it.
     */
    @SuppressWarnings("removal")
    static ProtectionDomain[] domainsOf(AccessControlContext context) {
        ProtectionDomain[][] seen = {new ProtectionDomain[0]};
        DomainCombiner reader = (current, assigned) -> {
            seen[0] = assigned == null ? new ProtectionDomain[0] : assigned.clone();
            return assigned;
        };
        AccessController.doPrivileged((PrivilegedAction<AccessControlContext>) AccessController::getContext,
                new AccessControlContext(context, reader));
        return seen[0];
    }

    /** Whether {@code loader} is {@code application} or one it made (a script's generated classes). */
    private static boolean loadedUnder(ClassLoader loader, ClassLoader application) {
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l == application) {
                return true;
            }
        }
        return false;
    }
}
