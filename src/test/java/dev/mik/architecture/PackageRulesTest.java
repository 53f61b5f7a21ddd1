package dev.mik.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package structure the README's layout promises, read from the sources' imports: no cycle between mik's
 * packages, and the two engine packages (the Nashorn sandbox, the Chicory adapter) free of Jakarta EE and of the
 * features built on them.
 */
class PackageRulesTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/mik");
    private static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?([\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);
    private static final Pattern QUALIFIED_USE = Pattern.compile("\\b(?:dev\\.mik|jakarta)\\.[a-z][\\w.]*\\.[A-Z]");

    @Test
    void mikPackagesDependOnEachOtherWithoutACycle() {
        Map<String, Set<String>> graph = dependencies();
        assertTrue(graph.size() > 10, "found only " + graph.keySet());
        List<String> cycle = findCycle(graph);
        assertEquals(List.of(), cycle, "a package cycle: " + String.join(" -> ", cycle));
    }

    @Test
    void theSandboxKnowsNothingOfJakartaEeOrTheFeatures() {
        assertEquals(Set.of("dev.mik.watch"), outside("sandbox"));
    }

    @Test
    void theWasmAdapterKnowsNothingOfJakartaEeOrTheFeatures() {
        assertEquals(Set.of("dev.mik.memory"), outside("wasm"));
    }

    /** The packages (mik's and Jakarta's) a package's files import or name, other than itself, java and its engine. */
    private static Set<String> outside(String name) {
        Set<String> found = new TreeSet<>();
        for (Path file : javaFiles(SOURCES.resolve(name))) {
            String text = read(file);
            Matcher imports = IMPORT.matcher(text);
            while (imports.find()) {
                found.add(packageOf(imports.group(1)));
            }
            Matcher uses = QUALIFIED_USE.matcher(text);
            while (uses.find()) {
                found.add(packageOf(uses.group().substring(0, uses.group().length() - 2)));
            }
        }
        found.removeIf(pkg -> !pkg.startsWith("dev.mik.") && !pkg.startsWith("jakarta."));
        found.remove("dev.mik." + name);
        return found;
    }

    /** {@code dev.mik.run.HandlerPool} → {@code dev.mik.run}; {@code jakarta.ws.rs.core} stays itself. */
    private static String packageOf(String qualified) {
        String[] parts = qualified.split("\\.");
        int end = parts.length;
        while (end > 0 && !parts[end - 1].isEmpty() && Character.isUpperCase(parts[end - 1].charAt(0))) {
            end--;
        }
        return String.join(".", List.of(parts).subList(0, end));
    }

    private static Map<String, Set<String>> dependencies() {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                String name = "dev.mik." + dir.getFileName();
                Set<String> uses = new TreeSet<>(outside(dir.getFileName().toString()));
                uses.removeIf(pkg -> !pkg.startsWith("dev.mik."));
                graph.put(name, uses);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    /** A path that comes back to where it started, or an empty list. */
    private static List<String> findCycle(Map<String, Set<String>> graph) {
        for (String start : graph.keySet()) {
            Deque<List<String>> paths = new ArrayDeque<>(List.of(List.of(start)));
            Set<String> seen = new TreeSet<>();
            while (!paths.isEmpty()) {
                List<String> path = paths.poll();
                for (String next : graph.getOrDefault(path.get(path.size() - 1), Set.of())) {
                    List<String> longer = new ArrayList<>(path);
                    longer.add(next);
                    if (next.equals(start)) {
                        return longer;
                    }
                    if (seen.add(next)) {
                        paths.add(longer);
                    }
                }
            }
        }
        return List.of();
    }

    private static List<Path> javaFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(file -> file.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
