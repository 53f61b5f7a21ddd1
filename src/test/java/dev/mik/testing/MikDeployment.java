package dev.mik.testing;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds what an integration test deploys: the real WAR from {@code target/}, plus a
 * {@code microprofile-config.properties} pointing at a handlers (and scripts) directory made for that test class.
 */
public final class MikDeployment {

    /** Where the test fixtures' sources and .wasm files live. */
    public static final Path FIXTURES = Path.of("src/test/wasm");
    public static final Path HANDLERS = Path.of("handlers");
    public static final Path TEST_SCRIPTS = Path.of("src/test/scripts");
    public static final Path SCRIPTS = Path.of("scripts");

    private final String name;
    private final Path handlersDir;
    private final Path scriptsDir;
    private final Map<String, String> config = new LinkedHashMap<>();

    private MikDeployment(String name) {
        this.name = name;
        Path root = Path.of(System.getProperty("mik.it.dir", "target/it")).toAbsolutePath().resolve(name);
        this.handlersDir = root.resolve("handlers");
        this.scriptsDir = root.resolve("scripts");
        try {
            deleteRecursively(root);
            Files.createDirectories(handlersDir);
            Files.createDirectories(scriptsDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config.put("mik.handlers.dir", handlersDir.toString());
        config.put("mik.scripts.dir", scriptsDir.toString());
    }

    public static MikDeployment named(String name) {
        return new MikDeployment(name);
    }

    public static Path handlersDirOf(String name) {
        return Path.of(System.getProperty("mik.it.dir", "target/it")).toAbsolutePath().resolve(name)
                .resolve("handlers");
    }

    public static Path scriptsDirOf(String name) {
        return Path.of(System.getProperty("mik.it.dir", "target/it")).toAbsolutePath().resolve(name).resolve("scripts");
    }

    public MikDeployment config(String key, Object value) {
        config.put(key, String.valueOf(value));
        return this;
    }

    /** Copies {@code handlers/<module>.wasm} (the shipped examples) into this deployment's handlers directory. */
    public MikDeployment handler(String module) {
        return copy(HANDLERS.resolve(module + ".wasm"), module);
    }

    /** Copies {@code src/test/wasm/<fixture>.wasm} in as module {@code module}. */
    public MikDeployment fixture(String fixture, String module) {
        return copy(FIXTURES.resolve(fixture + ".wasm"), module);
    }

    public MikDeployment fixture(String fixture) {
        return fixture(fixture, fixture);
    }

    /** Copies {@code src/test/scripts/<name>.js} into this deployment's scripts directory. */
    public MikDeployment testScript(String name) {
        return copy(TEST_SCRIPTS.resolve(name + ".js"), scriptsDir.resolve(name + ".js"));
    }

    /** Copies {@code scripts/<name>.js} (the shipped examples) into this deployment's scripts directory. */
    public MikDeployment script(String name) {
        return copy(SCRIPTS.resolve(name + ".js"), scriptsDir.resolve(name + ".js"));
    }

    private MikDeployment copy(Path source, String module) {
        return copy(source, handlersDir.resolve(module + ".wasm"));
    }

    private MikDeployment copy(Path source, Path target) {
        try {
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public WebArchive war() {
        WebArchive war = ShrinkWrap.createFromZipFile(WebArchive.class,
                new File(System.getProperty("mik.war", "target/mik.war")));
        String properties = config.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue().replace("\\", "\\\\"))
                .collect(Collectors.joining("\n", "", "\n"));
        return ShrinkWrap.create(WebArchive.class, name + ".war")
                .merge(war)
                .addAsResource(new StringAsset(properties), "META-INF/microprofile-config.properties");
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
