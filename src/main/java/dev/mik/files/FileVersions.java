package dev.mik.files;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The loaded form of each {@code <dir>/<name><suffix>} file, kept per file version ({@link FileStamp}): handlers and
 * scripts are read and compiled once per version, and one {@code stat} per request notices an edit.
 *
 * <p>At most one load of a name runs at a time, and a version is loaded once: requests for a version being loaded
 * wait for that load, or, when it finishes in the background, are answered by the version that served before. A
 * failure that {@code lasting} accepts is remembered until the file changes, so a broken file is not re-read on every
 * request; any other failure is only reported, and the next request tries again. {@link #sweep} forgets the names
 * whose file is gone without waiting for a request of them.
 *
 * @param <T> the loaded form of one file version
 */
public final class FileVersions<T> {

    /** Loads one version of a file. */
    @FunctionalInterface
    public interface Loader<T> {

        /**
         * Loads version {@code stamp} of {@code file}; the name's other requests wait meanwhile.
         *
         * @param previous the version that serves now, or null when none does (the first load, or the latest version
         *                 failed): only with one may the load end in the background with nothing else serving
         */
        Load<T> load(Path file, FileStamp stamp, T previous);
    }

    /**
     * A loaded version ({@code now}), or one that {@code finished} completes in the background; {@code now} then serves
     * meanwhile, or, when null, the previous version does.
     */
    public record Load<T>(T now, CompletableFuture<T> finished) {

        public static <T> Load<T> done(T value) {
            return new Load<>(Objects.requireNonNull(value), null);
        }

        public static <T> Load<T> inBackground(T meanwhile, CompletableFuture<T> finished) {
            return new Load<>(meanwhile, Objects.requireNonNull(finished));
        }
    }

    /** Told, under the name's lock, when a version starts serving or stops serving; clients release resources here. */
    public interface Listener<T> {

        /** {@code next} serves {@code name} from now on, instead of {@code previous} (null for the first version). */
        void serving(String name, T previous, T next);

        /**
         * {@code last} serves no more: its file is gone ({@code failure} null), or it served while its version finished
         * loading in the background, which failed.
         */
        void retired(String name, T last, Throwable failure);
    }

    /**
     * What is known of a name: the version loaded last (it serves unless a failure is remembered, which is always of a
     * newer version), the remembered failure, and whether a version is loading in the background.
     */
    public record State<T>(T loaded, RuntimeException failure, boolean loading) {
    }

    /**
     * One name's knowledge, replaced whole under the slot's monitor (the name's lock) and read without it. The held
     * {@code value} is of version {@code stamp}; {@code failure} of version {@code failed}; {@code loading} is the
     * version whose load ends in the background.
     */
    private record Known<T>(FileStamp stamp, T value, FileStamp failed, RuntimeException failure,
                            FileStamp loading) {

        /**
         * The version that answers requests of file version {@code current}, or null when a load must decide.
         *
         * @throws RuntimeException the failure remembered of {@code current}
         */
        T answer(FileStamp current) {
            if (failure != null) {
                if (failed.equals(current)) {
                    throw failure;
                }
                return null;
            }
            return value != null && (current.equals(stamp) || current.equals(loading)) ? value : null;
        }

        T serving() {
            return failure == null ? value : null;
        }

        boolean isEmpty() {
            return value == null && failure == null;
        }
    }

    /** The lock of one name; a slot taken out of the map is no longer anyone's lock. */
    private static final class Slot<T> {
        volatile Known<T> known;
    }

    private final String suffix;
    private final Predicate<RuntimeException> lasting;
    private final Listener<T> listener;
    private final Map<String, Slot<T>> slots = new ConcurrentHashMap<>();

    /** Versions that need no release, and are told to nobody. */
    public FileVersions(String suffix, Predicate<RuntimeException> lasting) {
        this(suffix, lasting, new Listener<>() {
            @Override
            public void serving(String name, T previous, T next) {
            }

            @Override
            public void retired(String name, T last, Throwable failure) {
            }
        });
    }

    /**
     * @param suffix   the files' suffix, {@code .wasm} for {@code <name>.wasm}
     * @param lasting  which load failures are remembered until the file changes
     * @param listener told when a version starts or stops serving
     */
    public FileVersions(String suffix, Predicate<RuntimeException> lasting, Listener<T> listener) {
        this.suffix = suffix;
        this.lasting = lasting;
        this.listener = listener;
    }

    /**
     * The version that answers for file {@code name} now, loading its file's current version when no load of it was
     * tried yet; null when there is no such file, which forgets the name.
     *
     * @throws RuntimeException the remembered failure of this file version, or what its load threw
     */
    public T current(Path dir, String name, Loader<T> loader) {
        Path file = dir.resolve(name + suffix);
        FileStamp stamp = FileStamp.of(file);
        if (stamp == null) {
            forgetIfGone(name, file);
            return null;
        }
        Slot<T> seen = slots.get(name);
        Known<T> seenKnown = seen == null ? null : seen.known;
        T answer = seenKnown == null ? null : seenKnown.answer(stamp);
        if (answer != null) {
            return answer;
        }
        while (true) {
            Slot<T> slot = slots.computeIfAbsent(name, key -> new Slot<>());
            synchronized (slot) {
                if (slots.get(name) != slot) {
                    continue; // forgotten while this request waited: the name has a new lock
                }
                // stat again under the lock: a request that waited must not load a version an edit replaced meanwhile
                stamp = FileStamp.of(file);
                if (stamp == null) {
                    forget(name, slot);
                    return null;
                }
                Known<T> known = slot.known;
                answer = known == null ? null : known.answer(stamp);
                return answer != null ? answer : load(name, slot, file, stamp, loader);
            }
        }
    }

    /** Loads version {@code stamp} of {@code name}; the caller holds the slot's monitor. */
    private T load(String name, Slot<T> slot, Path file, FileStamp stamp, Loader<T> loader) {
        Known<T> known = slot.known;
        T previous = known == null ? null : known.serving();
        Load<T> load;
        try {
            load = loader.load(file, stamp, previous);
        } catch (RuntimeException failure) {
            if (lasting.test(failure)) {
                slot.known = known == null ? new Known<>(null, null, stamp, failure, null)
                        : new Known<>(known.stamp(), known.value(), stamp, failure, known.loading());
            } else if (known == null) {
                slots.remove(name, slot);
            }
            throw failure;
        }
        if (load.finished() == null) {
            slot.known = new Known<>(stamp, load.now(), null, null, null);
            listener.serving(name, known == null ? null : known.value(), load.now());
            return load.now();
        }
        if (load.now() != null) {
            slot.known = new Known<>(stamp, load.now(), null, null, stamp);
            listener.serving(name, known == null ? null : known.value(), load.now());
        } else if (previous != null) {
            slot.known = new Known<>(known.stamp(), previous, null, null, stamp);
        } else {
            throw new IllegalStateException("nothing serves " + name + " while its version loads in the background");
        }
        load.finished().whenComplete((value, failure) -> finish(name, slot, stamp, value, failure));
        Known<T> after = slot.known;
        T answer = after == null ? null : after.answer(stamp); // it may have finished on this thread
        if (answer != null) {
            return answer;
        }
        // it failed on this thread, and is not remembered: the previous version serves, or the failure is reported
        return load.now() == null ? previous : load.finished().join();
    }

    /** The background load of {@code name}'s version {@code stamp} ended: its value serves, unless superseded. */
    private void finish(String name, Slot<T> slot, FileStamp stamp, T value, Throwable failure) {
        synchronized (slot) {
            Known<T> known = slot.known;
            if (slots.get(name) != slot || known == null || !stamp.equals(known.loading())) {
                return; // the file changed again, or went away, meanwhile
            }
            if (failure == null) {
                // a remembered failure here is of a newer version, which failed while this one loaded
                slot.known = new Known<>(stamp, value, known.failed(), known.failure(), null);
                listener.serving(name, known.value(), value);
                return;
            }
            Throwable cause = failure instanceof CompletionException wrapped && wrapped.getCause() != null
                    ? wrapped.getCause() : failure;
            boolean meanwhile = stamp.equals(known.stamp()); // what served was this version's stand-in
            FileStamp keptStamp = meanwhile ? null : known.stamp();
            T kept = meanwhile ? null : known.value();
            boolean remember = known.failure() == null && cause instanceof RuntimeException runtime
                    && lasting.test(runtime);
            Known<T> next = remember ? new Known<>(keptStamp, kept, stamp, (RuntimeException) cause, null)
                    : new Known<>(keptStamp, kept, known.failed(), known.failure(), null);
            slot.known = next;
            if (meanwhile) {
                listener.retired(name, known.value(), cause);
            }
            if (next.isEmpty()) {
                slots.remove(name, slot);
            }
        }
    }

    /** What is known of {@code name}, or null when nothing is (never loaded, or forgotten). */
    public State<T> state(String name) {
        Slot<T> slot = slots.get(name);
        Known<T> known = slot == null ? null : slot.known;
        return known == null ? null : new State<>(known.value(), known.failure(), known.loading() != null);
    }

    /** The version loaded last of every name that has one. */
    public Map<String, T> loaded() {
        Map<String, T> loaded = new LinkedHashMap<>();
        slots.forEach((name, slot) -> {
            Known<T> known = slot.known;
            if (known != null && known.value() != null) {
                loaded.put(name, known.value());
            }
        });
        return loaded;
    }

    /**
     * Forgets every name whose file is gone from {@code dir}, and answers those that held a loaded version; run
     * periodically, so a removed file does not wait for a request of it to be released.
     */
    public List<String> sweep(Path dir) {
        List<String> released = new ArrayList<>();
        for (String name : List.copyOf(slots.keySet())) {
            Path file = dir.resolve(name + suffix);
            // a cheap look first; forgetIfGone looks again under the name's lock
            if (FileStamp.of(file) == null && forgetIfGone(name, file)) {
                released.add(name);
            }
        }
        return released;
    }

    /** Forgets {@code name} if {@code file} is still gone under its lock; answers whether a loaded version went. */
    private boolean forgetIfGone(String name, Path file) {
        Slot<T> slot = slots.get(name);
        if (slot == null) {
            return false;
        }
        synchronized (slot) {
            if (slots.get(name) != slot || FileStamp.of(file) != null) {
                return false; // forgotten already, or the file is back
            }
            return forget(name, slot);
        }
    }

    /** Forgets {@code name}; the caller holds the slot's monitor. Answers whether a loaded version went. */
    private boolean forget(String name, Slot<T> slot) {
        Known<T> known = slot.known;
        slot.known = null;
        boolean held = known != null && known.value() != null;
        if (held) {
            listener.retired(name, known.value(), null);
        }
        slots.remove(name, slot); // last: until then, the name's next load waits for this lock
        return held;
    }
}
