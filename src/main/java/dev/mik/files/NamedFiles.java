package dev.mik.files;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The names of a directory's files with one suffix ({@code hello} for {@code hello.wasm}), sorted. */
public final class NamedFiles {

    private NamedFiles() {
    }

    public static List<String> in(Path dir, String suffix) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + suffix)) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                names.add(fileName.substring(0, fileName.length() - suffix.length()));
            }
        }
        names.sort(null);
        return names;
    }

    /** Like {@link #in}, but empty when {@code dir} is missing or cannot be read: for listings that report, not act. */
    public static List<String> inOrNone(Path dir, String suffix) {
        try {
            return Files.isDirectory(dir) ? in(dir, suffix) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
