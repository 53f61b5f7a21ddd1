package dev.mik.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileVersionsTest {

    /** A version that cannot be loaded: remembered until its file changes. */
    static final class Broken extends RuntimeException {
        Broken(String content) {
            super(content, null, false, false);
        }
    }

    /** A failure that is only reported: the next request tries again. */
    static final class Passing extends RuntimeException {
        Passing(String message) {
            super(message, null, false, false);
        }
    }

    @TempDir
    Path dir;

    /** What the listener was told, checked as it is told: each value starts serving once and stops once. */
    private final Map<String, String> serving = new ConcurrentHashMap<>();
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private final List<String> retired = new ArrayList<>();

    private final FileVersions.Listener<String> listener = new FileVersions.Listener<>() {
        @Override
        public void serving(String name, String previous, String next) {
            if (serving.get(name) != previous) {
                violations.add(name + ": replaced " + previous + " but " + serving.get(name) + " served");
            }
            serving.put(name, next);
        }

        @Override
        public void retired(String name, String last, Throwable failure) {
            if (!serving.remove(name, last)) {
                violations.add(name + ": retired " + last + " but " + serving.get(name) + " served");
            }
            synchronized (retired) {
                retired.add(last);
            }
        }
    };

    private final FileVersions<String> versions = new FileVersions<>(".v", Broken.class::isInstance, listener);

    private static final AtomicLong NEXT_VERSION = new AtomicLong(1_000_000);

    /**
     * Puts {@code content} in place at once, with a modification time no other version has: every version of the
     * test's files has a stamp of its own.
     */
    private void write(String name, String content) {
        try {
            long version = NEXT_VERSION.getAndIncrement();
            Path staging = dir.resolve("." + name + "." + version);
            Files.writeString(staging, content);
            Files.setLastModifiedTime(staging, FileTime.fromMillis(version * 1000));
            Files.move(staging, dir.resolve(name + ".v"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException gone) {
            throw new Passing("gone: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads a file's content, failing (for good) when it starts with {@code broken}. */
    private final AtomicInteger loads = new AtomicInteger();
    private final FileVersions.Loader<String> now = (file, stamp, previous) -> {
        loads.incrementAndGet();
        String content = read(file);
        if (content.startsWith("broken")) {
            throw new Broken(content);
        }
        return FileVersions.Load.done(content);
    };

    @Test
    void anUnchangedFileIsLoadedOnceAndAnEditLoadsAgain() {
        write("a", "one");
        assertEquals("one", versions.current(dir, "a", now));
        assertEquals("one", versions.current(dir, "a", now));
        assertEquals(1, loads.get());
        write("a", "two");
        assertEquals("two", versions.current(dir, "a", now));
        assertEquals(2, loads.get());
        assertEquals(Map.of("a", "two"), versions.loaded());
        assertEquals(List.of(), List.copyOf(violations));
    }

    @Test
    void aLastingFailureIsRememberedUntilTheFileChangesAndThenTheNewVersionLoads() {
        write("a", "broken one");
        Broken first = assertThrows(Broken.class, () -> versions.current(dir, "a", now));
        assertSame(first, assertThrows(Broken.class, () -> versions.current(dir, "a", now)), "not loaded again");
        assertEquals(1, loads.get());
        assertSame(first, versions.state("a").failure());
        write("a", "fixed");
        assertEquals("fixed", versions.current(dir, "a", now));
        assertNull(versions.state("a").failure());
        assertEquals(2, loads.get());
    }

    @Test
    void aFailureThatDoesNotLastIsTriedAgainByTheNextRequestAndLeavesNothingBehind() {
        write("a", "one");
        FileVersions.Loader<String> refusing = (file, stamp, previous) -> {
            loads.incrementAndGet();
            throw new Passing("busy");
        };
        assertThrows(Passing.class, () -> versions.current(dir, "a", refusing));
        assertThrows(Passing.class, () -> versions.current(dir, "a", refusing));
        assertEquals(2, loads.get());
        assertNull(versions.state("a"), "nothing is known of a name whose only load failed for the moment");
    }

    @Test
    void thePreviousVersionServesWhileAnEditLoadsInTheBackgroundAndTheEditIsLoadedOnce() {
        write("a", "one");
        assertEquals("one", versions.current(dir, "a", now));
        CompletableFuture<String> compiling = new CompletableFuture<>();
        FileVersions.Loader<String> later = (file, stamp, previous) -> {
            loads.incrementAndGet();
            assertEquals("one", previous);
            return FileVersions.Load.inBackground(null, compiling);
        };
        write("a", "two");
        assertEquals("one", versions.current(dir, "a", later));
        assertEquals("one", versions.current(dir, "a", later));
        assertEquals(2, loads.get(), "the edit is loaded once, however many requests come meanwhile");
        assertTrue(versions.state("a").loading());
        compiling.complete("two");
        assertEquals("two", versions.current(dir, "a", later));
        assertFalse(versions.state("a").loading());
        assertEquals(Map.of("a", "two"), Map.copyOf(serving), "the listener was told the edit serves");
    }

    @Test
    void aBackgroundLoadThatEndsAfterANewerEditIsDiscarded() {
        write("a", "one");
        versions.current(dir, "a", now);
        CompletableFuture<String> stale = new CompletableFuture<>();
        write("a", "two");
        assertEquals("one", versions.current(dir, "a", (file, stamp, previous) ->
                FileVersions.Load.inBackground(null, stale)));
        write("a", "three");
        assertEquals("three", versions.current(dir, "a", now));
        stale.complete("two");
        assertEquals("three", versions.current(dir, "a", now));
        assertEquals(List.of(), List.copyOf(violations));
    }

    @Test
    void aStandInServesUntilTheBackgroundLoadEndsAndIsRetiredWhenItFails() {
        write("a", "one");
        CompletableFuture<String> compiling = new CompletableFuture<>();
        FileVersions.Loader<String> standIn = (file, stamp, previous) -> {
            loads.incrementAndGet();
            return FileVersions.Load.inBackground("one, interpreted", compiling);
        };
        assertEquals("one, interpreted", versions.current(dir, "a", standIn));
        assertEquals("one, interpreted", versions.current(dir, "a", standIn));
        assertTrue(versions.state("a").loading());
        Broken refused = new Broken("one");
        compiling.completeExceptionally(refused);
        assertSame(refused, assertThrows(Broken.class, () -> versions.current(dir, "a", standIn)),
                "remembered, not loaded again");
        assertEquals(1, loads.get());
        assertEquals(List.of("one, interpreted"), retired, "the stand-in was released");
        assertNull(versions.state("a").loaded());
        assertEquals(List.of(), List.copyOf(violations));
    }

    @Test
    void concurrentRequestsForANewVersionWaitForOneLoad() throws Exception {
        write("a", "one");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FileVersions.Loader<String> slow = (file, stamp, previous) -> {
            loads.incrementAndGet();
            entered.countDown();
            try {
                assertTrue(release.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return FileVersions.Load.done(read(file));
        };
        ExecutorService requests = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(requests.submit(() -> versions.current(dir, "a", slow)));
            }
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            Thread.sleep(50); // the others reach the name's lock
            release.countDown();
            for (Future<String> answer : answers) {
                assertEquals("one", answer.get(10, TimeUnit.SECONDS));
            }
        } finally {
            requests.shutdownNow();
        }
        assertEquals(1, loads.get());
    }

    @Test
    void theSweepForgetsRemovedFilesAndReleasesTheirVersions() throws Exception {
        write("a", "one");
        write("b", "two");
        write("c", "broken three");
        versions.current(dir, "a", now);
        versions.current(dir, "b", now);
        assertThrows(Broken.class, () -> versions.current(dir, "c", now));
        Files.delete(dir.resolve("a.v"));
        Files.delete(dir.resolve("c.v"));
        assertEquals(List.of("a"), versions.sweep(dir), "the names that held a version");
        assertNull(versions.state("a"));
        assertNull(versions.state("c"), "a remembered failure goes with its file");
        assertEquals(Map.of("b", "two"), versions.loaded());
        assertEquals(List.of("one"), retired);
        assertEquals(List.of(), versions.sweep(dir));
    }

    @Test
    void aRequestForARemovedFileAnswersNullAndForgetsTheName() throws Exception {
        write("a", "one");
        versions.current(dir, "a", now);
        Files.delete(dir.resolve("a.v"));
        assertNull(versions.current(dir, "a", now));
        assertNull(versions.state("a"));
        assertEquals(List.of("one"), retired);
    }

    /**
     * Eight threads edit, delete, request and sweep three files in a seeded random order, with loads that end at once
     * or in the background, with or without a stand-in, and that succeed or fail for good. Whatever the interleaving:
     * no version is loaded twice (unless its first load failed for the moment, its file gone meanwhile), no name has
     * two loads at once, every answer is a version that was written, every value starts and stops serving once, and
     * once the files are gone a sweep leaves nothing held.
     */
    @Test
    void aStormOfEditsRequestsAndSweepsLoadsEachVersionOnceAndAnswersOnlyWrittenVersions() throws Exception {
        List<String> names = List.of("a", "b", "c");
        List<String> modes = List.of("done", "broken", "later", "laterBroken", "standIn", "standInBroken");
        Map<String, Set<String>> written = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        Set<String> passed = ConcurrentHashMap.newKeySet();
        Map<String, AtomicInteger> inLoad = new ConcurrentHashMap<>();
        AtomicLong ids = new AtomicLong();
        ExecutorService compiler = Executors.newFixedThreadPool(2);

        FileVersions.Loader<String> loader = (file, stamp, previous) -> {
            String name = file.getFileName().toString().replace(".v", "");
            String key = name + " " + stamp;
            attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            AtomicInteger loading = inLoad.computeIfAbsent(name, k -> new AtomicInteger());
            if (loading.incrementAndGet() != 1) {
                violations.add(name + ": two loads at once");
            }
            try {
                String content;
                try {
                    content = read(file);
                } catch (Passing gone) {
                    passed.add(key);
                    throw gone;
                }
                String mode = content.substring(content.lastIndexOf(' ') + 1);
                boolean fails = mode.endsWith("Broken") || mode.equals("broken");
                // a new value per load, so the listener can tell each one apart by identity
                String value = new String(content);
                return switch (mode) {
                    case "done" -> FileVersions.Load.done(value);
                    case "standIn", "standInBroken" -> FileVersions.Load.inBackground(new String(content + " ~"),
                            CompletableFuture.supplyAsync(() -> answer(value, fails), compiler));
                    case "later", "laterBroken" -> previous == null ? FileVersions.Load.done(answer(value, fails))
                            : FileVersions.Load.inBackground(null,
                                    CompletableFuture.supplyAsync(() -> answer(value, fails), compiler));
                    default -> throw new Broken(value);
                };
            } finally {
                loading.decrementAndGet();
            }
        };

        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> storms = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Random random = new Random(20261201L + t);
            storms.add(threads.submit(() -> {
                for (int step = 0; step < 400; step++) {
                    String name = names.get(random.nextInt(names.size()));
                    int action = random.nextInt(100);
                    if (action < 20) {
                        String content = name + " " + ids.incrementAndGet() + " "
                                + modes.get(random.nextInt(modes.size()));
                        written.computeIfAbsent(name, k -> ConcurrentHashMap.newKeySet()).add(content);
                        write(name, content);
                    } else if (action < 27) {
                        try {
                            Files.deleteIfExists(dir.resolve(name + ".v"));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    } else if (action < 32) {
                        versions.sweep(dir);
                    } else {
                        String answer;
                        try {
                            answer = versions.current(dir, name, loader);
                        } catch (Broken broken) {
                            answer = broken.getMessage();
                        } catch (Passing gone) {
                            continue;
                        }
                        Set<String> versionsOfName = written.getOrDefault(name, Set.of());
                        if (answer != null && !versionsOfName.contains(answer.replace(" ~", ""))) {
                            violations.add(name + ": answered " + answer + ", a version never written");
                        }
                    }
                }
            }));
        }
        for (Future<?> storm : storms) {
            storm.get(2, TimeUnit.MINUTES);
        }
        threads.shutdown();
        compiler.shutdown();
        assertTrue(compiler.awaitTermination(1, TimeUnit.MINUTES), "every background load ended");

        attempts.forEach((key, count) -> {
            if (count.get() > 1 && !passed.contains(key)) {
                violations.add(key + ": loaded " + count.get() + " times");
            }
        });
        assertEquals(List.of(), List.copyOf(violations));
        assertTrue(attempts.size() > 50, "the storm loaded only " + attempts.size() + " versions");

        Set<String> held = new TreeSet<>(versions.loaded().keySet());
        for (String name : names) {
            Files.deleteIfExists(dir.resolve(name + ".v"));
        }
        assertEquals(held, new TreeSet<>(versions.sweep(dir)), "the sweep names every name that held a version");
        for (String name : names) {
            assertNull(versions.state(name), name + " is still known after its file went");
        }
        assertEquals(Map.of(), versions.loaded());
        assertEquals(Map.of(), Map.copyOf(serving), "every version that served was retired");
        assertEquals(List.of(), List.copyOf(violations));
    }

    private static String answer(String value, boolean fails) {
        if (fails) {
            throw new Broken(value);
        }
        return value;
    }
}
