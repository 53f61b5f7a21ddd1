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
            assertFalse(collected(application), "the pool's new thread keeps the application's loader (else this"
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
            assertTrue(collected(application), "the loader is collectable once the thread's context is released");
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

    private static boolean collected(WeakReference<?> reference) throws InterruptedException {
        for (int i = 0; i < 20 && reference.get() != null; i++) {
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
