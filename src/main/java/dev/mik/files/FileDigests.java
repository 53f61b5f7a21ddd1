package dev.mik.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SHA-256 of a file's content, computed once per file version ({@link FileStamp}): discovery answers anyone who
 * asks, and reading a 50 MiB module for every request of it would be work an anonymous client could multiply.
 */
public final class FileDigests {

    private static final int BUFFER_BYTES = 64 * 1024;

    private record Known(FileStamp stamp, String sha256) {
    }

    private final Map<Path, Known> known = new ConcurrentHashMap<>();

    /** The file's SHA-256 in lower-case hex, read again only when its stamp changed. */
    public String sha256(Path file, FileStamp stamp) {
        Known cached = known.get(file);
        if (cached != null && cached.stamp().equals(stamp)) {
            return cached.sha256();
        }
        String sha = digest(file);
        known.put(file, new Known(stamp, sha));
        return sha;
    }

    /** Forgets every file but {@code keep}: files that were removed. */
    public void retainOnly(Collection<Path> keep) {
        known.keySet().retainAll(keep);
    }

    private static String digest(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[BUFFER_BYTES];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                sha.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
