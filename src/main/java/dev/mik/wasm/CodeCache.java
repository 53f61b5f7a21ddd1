package dev.mik.wasm;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Chicory's compiled classes for a module, kept on disk so a restarted server does not compile again. An entry is
 * keyed by the module's SHA-256 and the engine that compiled it (the Chicory compiler's jar and the Java version),
 * written to a temporary file and moved into place in one step, and checked when read: its header must name this
 * format, this engine and this module, and its contents must have the SHA-256 the header records. An entry that is
 * corrupt, truncated or from another engine is deleted and the module compiled again; it is never loaded. The
 * directory is kept under {@code maxBytes}, the least recently used entries deleted first.
 *
 * <p>What an entry holds is JVM bytecode the server will run, so the directory needs the same protection as the
 * handlers directory: the checks above find damage and mix-ups, not a writer who forges a consistent entry.
 */
public final class CodeCache implements Cache {

    private static final Logger LOG = Logger.getLogger(CodeCache.class.getName());
    private static final byte[] MAGIC = "mik-code-cache 1\n".getBytes(StandardCharsets.US_ASCII);
    private static final String SUFFIX = ".classes";

    private final Path dir;
    private final long maxBytes;
    private final String engine;
    private final Set<String> hits = ConcurrentHashMap.newKeySet();
    private final AtomicLong rejected = new AtomicLong();

    /**
     * @param dir      created if missing
     * @param maxBytes the most the entries may take together
     * @throws IOException when the directory cannot be created
     */
    public CodeCache(Path dir, long maxBytes) throws IOException {
        this(dir, maxBytes, engineOf());
    }

    CodeCache(Path dir, long maxBytes, String engine) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.maxBytes = maxBytes;
        this.engine = engine;
    }

    /** The compiler's jar (its version is in the name) and the Java feature version that loads its classes. */
    static String engineOf() {
        String jar;
        try {
            jar = Path.of(MachineFactoryCompiler.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getFileName().toString();
        } catch (Exception | Error unknown) {
            jar = "chicory-compiler";
        }
        return jar + " java " + Runtime.version().feature();
    }

    public Path dir() {
        return dir;
    }

    /** Entries found damaged or foreign and deleted, since start. */
    public long rejected() {
        return rejected.get();
    }

    /** Whether the last compilation of {@code key} was served from this cache; asking clears the answer. */
    public boolean takeHit(String key) {
        return key != null && hits.remove(key);
    }

    @Override
    public byte[] get(String key) {
        Path file = fileOf(key);
        if (file == null) {
            return null;
        }
        byte[] stored;
        try {
            stored = Files.readAllBytes(file);
        } catch (NoSuchFileException missing) {
            return null;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Could not read the code cache entry " + file.getFileName(), e);
            return null;
        }
        byte[] payload = verified(stored, key);
        if (payload == null) {
            rejected.incrementAndGet();
            LOG.warning(() -> "Code cache entry " + file.getFileName() + " is damaged or from another engine; it was"
                    + " deleted and the module is compiled again.");
            delete(file);
            return null;
        }
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis())); // recently used
        } catch (IOException ignored) {
            // the entry still serves; only its place in the eviction order is stale
        }
        hits.add(key);
        return payload;
    }

    @Override
    public void putIfAbsent(String key, byte[] classes) {
        Path file = fileOf(key);
        if (file == null || Files.exists(file) || classes.length > maxBytes) {
            return;
        }
        Path staging = null;
        try {
            staging = Files.createTempFile(dir, ".entry-", ".tmp");
            Files.write(staging, entry(key, classes));
            try {
                Files.move(staging, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, file, StandardCopyOption.REPLACE_EXISTING);
            }
            staging = null;
            evict();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Could not write the code cache entry for " + key, e);
        } finally {
            if (staging != null) {
                delete(staging);
            }
        }
    }

    /** Chicory's key is the module's digest in Base64 with its algorithm's name: hashed again for a file name. */
    private Path fileOf(String key) {
        if (key == null || key.isEmpty() || key.length() > 256 || key.indexOf('\n') >= 0) {
            return null;
        }
        return dir.resolve(ModuleCompiler.sha256((engine + "\n" + key).getBytes(StandardCharsets.UTF_8)) + SUFFIX);
    }

    /** Header: magic, then engine, key and the payload's SHA-256, one line each, then the payload's length. */
    private byte[] entry(String key, byte[] payload) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 256);
        out.write(MAGIC);
        out.write((engine + "\n" + key + "\n" + ModuleCompiler.sha256(payload) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        out.write(ByteBuffer.allocate(Integer.BYTES).putInt(payload.length).array());
        out.write(payload);
        return out.toByteArray();
    }

    /** The payload of {@code stored} if its header and checksum hold for {@code key}; null otherwise. */
    private byte[] verified(byte[] stored, String key) {
        if (stored.length < MAGIC.length || !Arrays.equals(stored, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        int at = MAGIC.length;
        String[] lines = new String[3];
        for (int i = 0; i < lines.length; i++) {
            int end = at;
            while (end < stored.length && end - at < 1024 && stored[end] != '\n') {
                end++;
            }
            if (end >= stored.length || stored[end] != '\n') {
                return null;
            }
            lines[i] = new String(stored, at, end - at, StandardCharsets.UTF_8);
            at = end + 1;
        }
        if (!lines[0].equals(engine) || !lines[1].equals(key) || stored.length - at < Integer.BYTES) {
            return null;
        }
        int length = ByteBuffer.wrap(stored, at, Integer.BYTES).getInt();
        at += Integer.BYTES;
        if (length < 0 || length != stored.length - at) {
            return null;
        }
        byte[] payload = Arrays.copyOfRange(stored, at, stored.length);
        return ModuleCompiler.sha256(payload).equals(lines[2]) ? payload : null;
    }

    /** Deletes the least recently used entries until the rest fit in {@code maxBytes}. */
    private synchronized void evict() throws IOException {
        record Entry(Path file, long size, FileTime used) {
        }
        List<Entry> entries = new ArrayList<>();
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                try {
                    long size = Files.size(file);
                    entries.add(new Entry(file, size, Files.getLastModifiedTime(file)));
                    total += size;
                } catch (NoSuchFileException gone) {
                    // evicted by another server sharing the directory
                }
            }
        }
        entries.sort(Comparator.comparing(Entry::used));
        for (Entry entry : entries) {
            if (total <= maxBytes) {
                return;
            }
            delete(entry.file());
            total -= entry.size();
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.FINE, "Could not delete " + file, e);
        }
    }
}
