package dev.mik.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What identifies a file's content without reading it: identity, modification time, size. Handlers and scripts are
 * reloaded when their stamp changes, which one {@code stat} per request detects.
 */
public record FileStamp(Object fileKey, FileTime modified, long size) {

    /** The stamp of a regular file, or null when there is none at {@code file}. */
    public static FileStamp of(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return null;
            }
            return new FileStamp(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the attributes of " + file, e);
        }
    }
}
