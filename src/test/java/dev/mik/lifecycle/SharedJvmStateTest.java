package dev.mik.lifecycle;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An "application" loaded by its own class loader submits work to a pool it does not own, so the pool starts a thread
 * with the application's code on the stack; once the application is dropped, its loader must be collectable.
 */
class SharedJvmStateTest {

    /** Loaded by the test's own class loader and again by each "application" loader: it submits one task. */
    public static final class Submitter implements Consumer<ExecutorService> {
        @Override
        public void accept(ExecutorService pool) {
            pool.execute(() -> { });
        }
    }

    @Test
    void aThreadStartedUnderAnApplicationsCodeNoLongerKeepsItsLoaderOnceReleased() throws Exception {
        assumeTrue(threadsKeepAccessContexts(), "this Java keeps no access-control context in a thread");
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            WeakReference<ClassLoader> application = submitFromAnApplication(pool);
            assertFalse(collected(application, 2), "the pool's new thread keeps the application's loader (else this"
                    + " test proves nothing)");
            ClassLoader loader = application.get();
            assertNotNull(loader);
            Map<Thread, Object> before = inheritedContexts();
            assertEquals(1, SharedJvmState.releaseThreadContexts(loader));
            Map<Thread, Object> after = inheritedContexts();
            List<String> changed = before.keySet().stream().filter(after::containsKey)
                    .filter(thread -> before.get(thread) != after.get(thread)).map(Thread::getName).toList();
            assertEquals(1, changed.size(), "only the pool's thread has a new context: " + changed);
            assertTrue(changed.get(0).startsWith("pool-"), changed.get(0));
            before.clear(); // the old contexts hold the loader
            loader = null;
            assertTrue(collected(application, 20), "the loader is collectable once the thread's context is released");
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aContextsDomainsAreReadThroughThePublicApi() {
        assumeTrue(threadsKeepAccessContexts(), "this Java keeps no access-control context in a thread");
        @SuppressWarnings("removal")
        var here = java.security.AccessController.getContext();
        var domains = SharedJvmState.domainsOf(here);
        assertTrue(domains.length >= 1);
        assertTrue(java.util.Arrays.stream(domains)
                .anyMatch(d -> d.getClassLoader() == SharedJvmStateTest.class.getClassLoader()));
    }

    /** Loaded again by each "application" loader: a cache on a JDK class whose value names the application's class. */
    public static final class Cacher implements Runnable {
        static final ClassValue<Class<?>> CACHE = new ClassValue<>() {
            @Override
            protected Class<?> computeValue(Class<?> type) {
                return Cacher.class;
            }
        };

        @Override
        public void run() {
            CACHE.get(Object.class);
            CACHE.get(String.class);
        }
    }

    @Test
    void aClassValueOfTheApplicationOnAJdkClassNoLongerKeepsItsLoaderOnceReleased() throws Exception {
        WeakReference<ClassLoader> application = runInAnApplication(Cacher.class);
        assertFalse(collected(application, 2), "Object's class value map keeps the application's loader (else this test"
                + " proves nothing)");
        ClassLoader loader = application.get();
        assertNotNull(loader);
        // at least its values on Object and String; the JDK dynalink linker's own are removed too, whoever made them
        int removed = SharedJvmState.releaseClassValues(loader);
        assertTrue(removed >= 2, "removed " + removed);
        loader = null;
        assertTrue(collected(application, 20), "the loader is collectable once its class values are removed");
    }

    /** Loaded again by each "application" loader: leaves a value of its own in a pool thread's thread-local. */
    public static final class Leaver implements Consumer<ExecutorService> {
        static final ThreadLocal<Object> LEFT = new ThreadLocal<>();

        @Override
        public void accept(ExecutorService pool) {
            Object value = new java.util.ArrayList<>(List.of(new Leaver()));
            try {
                pool.submit(() -> LEFT.set(value)).get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aThreadLocalValueThatHoldsTheApplicationIsClearedAndNothingElse() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        ThreadLocal<String> ours = new ThreadLocal<>();
        try {
            pool.submit(() -> ours.set("kept")).get(); // the pool's thread exists before the application uses it
            URL classes = Path.of(Leaver.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri()
                    .toURL();
            URLClassLoader loader = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader());
            @SuppressWarnings("unchecked")
            Consumer<ExecutorService> leaver = (Consumer<ExecutorService>) loader.loadClass(Leaver.class.getName())
                    .getDeclaredConstructor().newInstance();
            leaver.accept(pool);
            leaver = null;
            loader.close();
            WeakReference<ClassLoader> application = new WeakReference<>(loader);
            loader = null;
            assertFalse(collected(application, 2), "the thread-local value keeps the application's loader (else this"
                    + " test proves nothing)");
            assertEquals(0, SharedJvmState.releaseThreadLocals(application.get(), SharedJvmState.liveThreads(),
                    SharedJvmState.JERSEY_REQUEST_CONTEXT), "a value that is not a request context is left alone");
            assertEquals(1, SharedJvmState.releaseThreadLocals(application.get(), SharedJvmState.liveThreads(),
                    value -> true));
            assertTrue(collected(application, 20), "the loader is collectable once the value is cleared");
            assertEquals("kept", pool.submit(ours::get).get(), "another thread-local of the same thread is untouched");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Loaded again by each "application" loader: a context like a CDI container's, whose instance field is a
     * thread-local it sets on the thread that serves a request, with a value of the application's.
     */
    public static final class BoundContext implements Consumer<ExecutorService> {
        private final ThreadLocal<Object> associated = new ThreadLocal<>();

        @Override
        public void accept(ExecutorService pool) {
            Object request = new java.util.ArrayList<>(List.of(new BoundContext()));
            try {
                pool.submit(() -> associated.set(request)).get(); // associated, never dissociated
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A container's manager as Weld hands it out: a proxy whose {@code unwrap()} knows the contexts of a scope. */
    public static final class ManagerProxy {
        private final Object context;

        ManagerProxy(Object context) {
            this.context = context;
        }

        public Manager unwrap() {
            return new Manager(context);
        }
    }

    /** The manager behind {@link ManagerProxy}: one context, of the request scope. */
    public static final class Manager {
        private final Object context;

        Manager(Object context) {
            this.context = context;
        }

        public java.util.Collection<Object> getContexts(Class<?> scope) {
            return scope == jakarta.enterprise.context.RequestScoped.class ? List.of(context) : List.of();
        }
    }

    @Test
    void aCdiContextsThreadLocalValueOnAServerThreadIsClearedAndNothingElse() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        ThreadLocal<String> servers = new ThreadLocal<>();
        try {
            pool.submit(() -> servers.set("kept")).get(); // a server's own thread-local on the same thread
            URL classes = Path.of(BoundContext.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toUri().toURL();
            URLClassLoader loader = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader());
            @SuppressWarnings("unchecked")
            Consumer<ExecutorService> context = (Consumer<ExecutorService>) loader
                    .loadClass(BoundContext.class.getName()).getDeclaredConstructor().newInstance();
            context.accept(pool);
            java.util.Set<ThreadLocal<?>> keys = SharedJvmState.contextThreadLocals(new ManagerProxy(context));
            assertEquals(1, keys.size(), "the context's one thread-local");
            @SuppressWarnings("unchecked")
            ThreadLocal<Object> key = (ThreadLocal<Object>) keys.iterator().next();
            key.set("the calling thread's"); // the calling thread's own value of it is never touched
            context = null;
            loader.close();
            WeakReference<ClassLoader> application = new WeakReference<>(loader);
            loader = null;
            assertFalse(collected(application, 2), "the worker's thread-local value keeps the application's loader"
                    + " (else this test proves nothing)");
            assertEquals(0, SharedJvmState.releaseThreadLocalValues(java.util.Set.of(new ThreadLocal<>()),
                    SharedJvmState.liveThreads()), "another thread-local's values are left alone");
            assertEquals(1, SharedJvmState.releaseThreadLocalValues(keys, SharedJvmState.liveThreads()));
            assertTrue(collected(application, 20), "the loader is collectable once the context's value is cleared");
            assertEquals("kept", pool.submit(servers::get).get(), "the server's thread-local is untouched");
            assertEquals("the calling thread's", key.get(), "the calling thread's value is untouched");
            key.remove();
        } finally {
            pool.shutdownNow();
        }
    }

    /** A context of a passivating scope as Weld registers it: wrapped in another context. */
    public static final class Wrapper extends Inert {
        private final jakarta.enterprise.context.spi.Context wrapped;

        Wrapper(jakarta.enterprise.context.spi.Context wrapped) {
            this.wrapped = wrapped;
        }
    }

    /** The wrapped context, with the thread-local it binds to a request's thread. */
    public static final class Wrapped extends Inert {
        final ThreadLocal<Object> associated = new ThreadLocal<>();
    }

    /** A context that holds nothing. */
    public static class Inert implements jakarta.enterprise.context.spi.Context {
        @Override
        public Class<? extends java.lang.annotation.Annotation> getScope() {
            return jakarta.enterprise.context.ConversationScoped.class;
        }

        @Override
        public <T> T get(jakarta.enterprise.context.spi.Contextual<T> contextual,
                jakarta.enterprise.context.spi.CreationalContext<T> creationalContext) {
            return null;
        }

        @Override
        public <T> T get(jakarta.enterprise.context.spi.Contextual<T> contextual) {
            return null;
        }

        @Override
        public boolean isActive() {
            return false;
        }
    }

    @Test
    void theThreadLocalsOfAWrappedContextAreFound() throws Exception {
        Wrapped wrapped = new Wrapped();
        assertEquals(java.util.Set.of(wrapped.associated), SharedJvmState.threadLocalsOf(new Wrapper(wrapped)));
        assertEquals(java.util.Set.of(), SharedJvmState.threadLocalsOf(new Inert()));
    }

    @Test
    void aManagerThatIsNotWeldsHasNoContextsToRelease() throws Exception {
        assertEquals(java.util.Set.of(), SharedJvmState.contextThreadLocals(new Object()));
    }

    private static WeakReference<ClassLoader> runInAnApplication(Class<? extends Runnable> type) throws Exception {
        URL classes = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri().toURL();
        URLClassLoader application = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader());
        Class<?> loaded = application.loadClass(type.getName());
        assertTrue(loaded != type, "the application has its own copy of the class");
        ((Runnable) loaded.getDeclaredConstructor().newInstance()).run();
        application.close();
        return new WeakReference<>(application);
    }

    private static WeakReference<ClassLoader> submitFromAnApplication(ExecutorService pool) throws Exception {
        URL classes = Path.of(Submitter.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri()
                .toURL();
        URLClassLoader application = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader());
        Class<?> submitter = application.loadClass(Submitter.class.getName());
        assertTrue(submitter != Submitter.class, "the application has its own copy of the class");
        @SuppressWarnings("unchecked")
        Consumer<ExecutorService> task = (Consumer<ExecutorService>) submitter.getDeclaredConstructor().newInstance();
        task.accept(pool);
        application.close();
        return new WeakReference<>(application);
    }

    /**
     * Whether {@code reference} was cleared within {@code collections} full collections (one clears a loader nothing
     * reaches; the pinned checks need no more than two to show it stayed).
     */
    private static boolean collected(WeakReference<?> reference, int collections) throws InterruptedException {
        for (int i = 0; i < collections && reference.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return reference.get() == null;
    }

    /** Each live thread's inherited context, by identity. */
    private static Map<Thread, Object> inheritedContexts() throws ReflectiveOperationException {
        Field inherited = Thread.class.getDeclaredField("inheritedAccessControlContext");
        inherited.setAccessible(true);
        Map<Thread, Object> contexts = new IdentityHashMap<>();
        for (Thread thread : SharedJvmState.liveThreads()) {
            contexts.put(thread, inherited.get(thread));
        }
        return contexts;
    }

    private static boolean threadsKeepAccessContexts() {
        try {
            Thread.class.getDeclaredField("inheritedAccessControlContext");
            return true;
        } catch (NoSuchFieldException e) {
            return false;
        }
    }
}
