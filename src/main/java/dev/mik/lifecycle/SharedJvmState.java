package dev.mik.lifecycle;

import jakarta.enterprise.context.ConversationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.context.SessionScoped;
import jakarta.enterprise.context.spi.Context;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.security.AccessControlContext;
import java.security.AccessController;
import java.security.DomainCombiner;
import java.security.PrivilegedAction;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
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
 * <li>Nashorn, and the JDK's dynalink linker it runs on, keep caches in {@link ClassValue}s; an entry for a JDK class
 * (call-site descriptors are cached per lookup class, and public lookups are {@code Object}'s; the linker's type
 * conversions are cached per pair of classes) lives in that class's own map, which the JVM never drops, and the
 * entry's value references Nashorn's classes. Those entries are removed when mik is released
 * ({@link #releaseNashornCaches()}).</li>
 * <li>This deployment's CDI contexts keep, in thread-locals of their own, the request a worker thread serves; a request
 * that ends once the servlet container has stopped calling request listeners (WildFly, during an undeploy) is never
 * dissociated, so the worker keeps it. Those thread-locals' values are cleared from other threads when mik is released
 * ({@link #releaseCdiContexts}).</li>
 * </ul>
 */
public final class SharedJvmState {

    private static final Logger LOG = Logger.getLogger(SharedJvmState.class.getName());

    /**
     * The JDK classes whose {@link ClassValue} maps Nashorn and the JDK's dynalink fill in a sandbox that hands scripts
     * no Java type: the values of linking operations on plain objects, arrays, strings, numbers and method handles.
     */
    private static final List<Class<?>> JDK_KEYS = List.of(Object.class, Object[].class, MethodHandle.class,
            String.class, CharSequence.class, Number.class, Boolean.class, Character.class, Byte.class, Short.class,
            Integer.class, Long.class, Float.class, Double.class, boolean.class, char.class, byte.class, short.class,
            int.class, long.class, float.class, double.class, void.class);

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

    /** Drops Nashorn's and dynalink's entries in the JDK classes' caches; called once no script runs any more. */
    public static void releaseNashornCaches() {
        try {
            releaseClassValues(SharedJvmState.class.getClassLoader());
        } catch (RuntimeException | LinkageError | ReflectiveOperationException e) {
            LOG.log(Level.WARNING, "Could not release Nashorn's caches in the JDK's classes; a redeploy may keep this"
                    + " deployment's classes", e);
        }
    }

    /**
     * Removes, from the {@link ClassValue} maps of {@link #JDK_KEYS}, every value computed by a class value of a class
     * loaded under {@code application} (Nashorn's own caches) or of the JDK's {@code jdk.dynalink} module (the linker's
     * type-conversion caches, which Nashorn's linker fills with method handles of its own classes). Such a value is
     * held strongly by a JDK class the JVM never unloads, and through the classes it names it holds the class value
     * itself, so it would never go. Every such value is a cache its class value computes again when asked, so another
     * application's dynalink only recomputes what it uses next. Answers how many values were removed.
     */
    static int releaseClassValues(ClassLoader application) throws ReflectiveOperationException {
        Field mapField = Class.class.getDeclaredField("classValueMap");
        mapField.setAccessible(true);
        Class<?> entryType = Class.forName("java.lang.ClassValue$Entry");
        Method owner = entryType.getDeclaredMethod("classValueOrNull");
        owner.setAccessible(true);
        int removed = 0;
        for (Class<?> key : JDK_KEYS) {
            if (!(mapField.get(key) instanceof Map<?, ?> map)) {
                continue; // no class value ever asked of this class
            }
            List<ClassValue<?>> ours = new ArrayList<>();
            synchronized (map) { // the lock the map's own methods take
                for (Object entry : map.values()) {
                    if (entryType.isInstance(entry) && owner.invoke(entry) instanceof ClassValue<?> value
                            && (loadedUnder(value.getClass().getClassLoader(), application)
                                    || "jdk.dynalink".equals(value.getClass().getModule().getName()))) {
                        ours.add(value);
                    }
                }
            }
            for (ClassValue<?> value : ours) {
                value.remove(key);
                removed++;
            }
        }
        return removed;
    }

    /**
     * Releases what server threads keep of this application: its protection domains in their inherited access-control
     * contexts, their context class loader when it is this application's, and Jersey request contexts left in their
     * thread-locals ({@link #releaseThreadLocals}), so a server thread that served mik or was started while mik's code
     * was on its stack no longer keeps mik's class loader; called once mik has stopped and starts no more threads.
     * Without a security manager those contexts are never checked, so nothing else changes; with one, the contexts
     * only lose the domains of an application that is gone. Java 24 and later keep no such context in a thread (the
     * field is gone). On a server that does not open {@code java.lang} to applications these pins stay, and a warning
     * says so.
     */
    public static void releaseThreadContexts() {
        try {
            releaseThreadContexts(SharedJvmState.class.getClassLoader());
            releaseThreadLocals(SharedJvmState.class.getClassLoader(), liveThreads(), JERSEY_REQUEST_CONTEXT);
        } catch (RuntimeException | LinkageError | ReflectiveOperationException e) {
            LOG.log(Level.WARNING, "Could not release what server threads keep of mik (access-control contexts,"
                    + " thread-local values); those threads keep this deployment's classes", e);
        }
    }

    /**
     * Runs the code of {@link #releaseThreadContexts()} and {@link #releaseNashornCaches()} once at start-up,
     * releasing nothing: Payara's class loader loads no class once an undeploy has begun, not even a JDK class a
     * constant of this class names, so every class and call site the release uses is linked now.
     */
    public static void prepareRelease() {
        try (URLClassLoader nobody = new URLClassLoader(new URL[0], null)) {
            releaseThreadContexts(nobody);
            releaseClassValues(nobody);
            releaseThreadLocals(nobody, liveThreads(), JERSEY_REQUEST_CONTEXT);
        } catch (IOException | RuntimeException | LinkageError | ReflectiveOperationException e) {
            LOG.log(Level.WARNING, "Could not prepare the release of threads' access-control contexts", e);
        }
    }

    /**
     * Takes the protection domains of classes loaded under {@code application} out of every live thread's inherited
     * access-control context, and gives a thread whose context class loader is {@code application}'s the loader above
     * it; returns how many threads had such a context.
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
            if (thread != Thread.currentThread() && loadedUnder(thread.getContextClassLoader(), application)) {
                // a server thread started while serving mik (the servlet container's async threads) kept mik's
                // loader as its context class loader; it serves no more mik code, so it gets the loader above mik's
                thread.setContextClassLoader(application.getParent());
            }
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

    /**
     * A JAX-RS runtime's request context, by the name of the interface it implements: Jersey keeps one per worker
     * thread in a thread-local of the application's own request scope, so one that references mik is mik's.
     */
    static final Predicate<Object> JERSEY_REQUEST_CONTEXT = value -> implementsNamed(value.getClass(),
            "org.glassfish.jersey.process.internal.RequestContext");

    /**
     * Clears, in the thread-local maps of {@code threads} (never the calling thread's), every value of a kind
     * {@code owned} accepts that references {@code application}: a server thread keeps a value it was given while
     * serving mik until the same thread-local is set again, and when the thread-local belongs to mik's own copy of a
     * server component (Jersey's request scope on Payara keeps the last request's context on each worker thread), that
     * never happens, and the value holds mik's classes for as long as the server keeps the thread. Only such kinds: a
     * thread-local of the server's own that merely holds something of mik's at the moment is still the server's (one
     * cleared this way broke WildFly's interceptor stack on the next deployment). Only the value is cleared (a single
     * write the owning thread never reads again, as the thread-local is mik's); the map itself is left to its thread.
     * Answers how many values were cleared.
     */
    static int releaseThreadLocals(ClassLoader application, List<Thread> threads, Predicate<Object> owned)
            throws ReflectiveOperationException {
        References walk = new References(application);
        return clearThreadLocalValues(threads, (key, held) -> owned.test(held) && walk.reach(held));
    }

    /**
     * The scopes whose contexts a CDI container binds to the thread that serves a request: Weld keeps, per context,
     * instance fields of type {@link ThreadLocal} (the request it is associated with, its bean store, whether it is
     * active) and sets them on the request's thread when the request starts.
     */
    private static final List<Class<? extends Annotation>> THREAD_BOUND_SCOPES = List.of(RequestScoped.class,
            SessionScoped.class, ConversationScoped.class);

    /**
     * Releases what this deployment's own CDI contexts left on server threads: the values of the contexts'
     * thread-locals on every thread but the calling one; called once the servlet container has stopped this
     * deployment (from a {@code @PreDestroy} of the container's shutdown), when no request of it runs or ends any more.
     *
     * <p>Weld ends a request's association with its request, session and conversation contexts in its
     * {@code requestDestroyed} listener. WildFly's servlet container (Undertow) calls no request listener once the
     * deployment is stopping, so a request that ends after the drain (the run that was in flight at the undeploy) keeps
     * its association on the worker thread that served it: heap dumps after redeploys showed each such worker thread
     * holding the old deployment's request through the conversation context's thread-local, and through it the
     * deployment's class loader, until that same thread-local was set again, which never happens, as the context is
     * the old deployment's. Only these thread-locals are cleared: their keys are fields of this deployment's context
     * objects, which nothing uses once the deployment is stopped; a server's own thread-local is never touched.
     */
    public static void releaseCdiContexts(Object beanManager) {
        try {
            Set<ThreadLocal<?>> keys = contextThreadLocals(beanManager);
            int cleared = releaseThreadLocalValues(keys, liveThreads());
            if (cleared > 0) {
                LOG.info(() -> "Released " + cleared + " values of this deployment's CDI contexts (" + keys.size()
                        + " thread-locals) left on server threads by requests that ended after the drain.");
            }
        } catch (RuntimeException | LinkageError | ReflectiveOperationException e) {
            LOG.log(Level.WARNING, "Could not release this deployment's CDI contexts from server threads; a worker"
                    + " thread that served the last request may keep this deployment's classes", e);
        }
    }

    /** Runs the code of {@link #releaseCdiContexts} at start-up, clearing nothing (see {@link #prepareRelease()}). */
    public static void prepareCdiRelease(Object beanManager) {
        try {
            contextThreadLocals(beanManager);
            // no threads: prepareRelease() has walked their maps through the same loop; this links the selector
            releaseThreadLocalValues(Set.of(), List.of());
        } catch (RuntimeException | LinkageError | ReflectiveOperationException e) {
            LOG.log(Level.WARNING, "Could not prepare the release of this deployment's CDI contexts", e);
        }
    }

    /**
     * The thread-locals of the contexts of {@link #THREAD_BOUND_SCOPES} that {@code beanManager} knows, active or not.
     * Weld hands applications a proxy whose public {@code unwrap()} is the deployment's own manager, and that manager's
     * public {@code getContexts(Class)} answers every context of a scope; any other container answers none.
     */
    static Set<ThreadLocal<?>> contextThreadLocals(Object beanManager) throws ReflectiveOperationException {
        Object manager = beanManager;
        Method unwrap = publicMethod(manager.getClass(), "unwrap");
        if (unwrap != null) {
            manager = unwrap.invoke(manager);
        }
        Method contexts = publicMethod(manager.getClass(), "getContexts", Class.class);
        Set<ThreadLocal<?>> keys = Collections.newSetFromMap(new IdentityHashMap<>());
        if (contexts == null) {
            return keys;
        }
        for (Class<? extends Annotation> scope : THREAD_BOUND_SCOPES) {
            if (contexts.invoke(manager, scope) instanceof Collection<?> found) {
                for (Object context : found) {
                    keys.addAll(threadLocalsOf(context));
                }
            }
        }
        return keys;
    }

    /**
     * The thread-locals in the instance fields of the context {@code owner} and its superclasses, and of a context it
     * wraps: Weld registers the contexts of passivating scopes (session, conversation) wrapped in another context that
     * holds the real one in a field.
     */
    static Set<ThreadLocal<?>> threadLocalsOf(Object owner) throws IllegalAccessException {
        Set<ThreadLocal<?>> found = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Object> next = new ArrayList<>(List.of(owner));
        while (!next.isEmpty() && seen.size() < MAX_WRAPPED_CONTEXTS) {
            Object context = next.remove(next.size() - 1);
            if (!seen.add(context)) {
                continue;
            }
            for (Class<?> c = context.getClass(); c != null; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                        continue;
                    }
                    Object value;
                    try {
                        field.setAccessible(true);
                        value = field.get(context);
                    } catch (RuntimeException notOpened) {
                        continue; // a field of a module closed to mik holds no thread-local of the context's
                    }
                    if (value instanceof ThreadLocal<?> key) {
                        found.add(key);
                    } else if (value instanceof Context wrapped) {
                        next.add(wrapped);
                    }
                }
            }
        }
        return found;
    }

    /** How many contexts, wrapped in one another, {@link #threadLocalsOf} looks into at most. */
    private static final int MAX_WRAPPED_CONTEXTS = 8;

    /**
     * Clears, on {@code threads} but the calling one, the values of the thread-locals {@code keys} (by identity);
     * answers how many were cleared.
     */
    static int releaseThreadLocalValues(Set<ThreadLocal<?>> keys, List<Thread> threads)
            throws ReflectiveOperationException {
        return clearThreadLocalValues(threads, (key, held) -> keys.contains(key));
    }

    /**
     * Clears, in the thread-local maps of {@code threads} (never the calling thread's), each value that {@code clear}
     * accepts with its thread-local. Only the value is cleared (a single write the owning thread never reads again, as
     * the thread-local is no longer used); the map itself is left to its thread. Answers how many were cleared.
     */
    private static int clearThreadLocalValues(List<Thread> threads, BiPredicate<Object, Object> clear)
            throws ReflectiveOperationException {
        Field own = Thread.class.getDeclaredField("threadLocals");
        Field inherited = Thread.class.getDeclaredField("inheritableThreadLocals");
        Field table = Class.forName("java.lang.ThreadLocal$ThreadLocalMap").getDeclaredField("table");
        Field value = Class.forName("java.lang.ThreadLocal$ThreadLocalMap$Entry").getDeclaredField("value");
        for (Field field : List.of(own, inherited, table, value)) {
            field.setAccessible(true);
        }
        int cleared = 0;
        for (Thread thread : threads) {
            if (thread == Thread.currentThread()) {
                continue;
            }
            for (Field maps : List.of(own, inherited)) {
                Object map = maps.get(thread);
                Object[] entries = map == null ? null : (Object[]) table.get(map);
                for (Object entry : entries == null ? new Object[0] : entries) {
                    Object held = entry == null ? null : value.get(entry);
                    if (held != null && clear.test(((Reference<?>) entry).get(), held)) {
                        value.set(entry, null);
                        cleared++;
                    }
                }
            }
        }
        return cleared;
    }

    /** A public method of a public type that {@code type} is or extends, or null. */
    private static Method publicMethod(Class<?> type, String name, Class<?>... parameters) {
        try {
            Method method = type.getMethod(name, parameters);
            return Modifier.isPublic(method.getDeclaringClass().getModifiers()) ? method : null;
        } catch (NoSuchMethodException none) {
            return null;
        }
    }

    /** Whether {@code type} or a supertype implements an interface of that name (no server API is compiled in). */
    private static boolean implementsNamed(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> implemented : c.getInterfaces()) {
                if (implemented.getName().equals(name) || implementsNamed(implemented, name)) {
                    return true;
                }
            }
        }
        return false;
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
    static boolean loadedUnder(ClassLoader loader, ClassLoader application) {
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l == application) {
                return true;
            }
        }
        return false;
    }
}
