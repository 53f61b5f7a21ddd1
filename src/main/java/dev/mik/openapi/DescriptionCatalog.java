package dev.mik.openapi;

import dev.mik.files.FileStamp;
import dev.mik.files.NamedFiles;
import dev.mik.json.Jsonp;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.run.ModuleName;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The modules' {@code <module>.openapi.json} files and the merged document. A file is read and checked once per
 * version ({@link FileStamp}: one stat per request), and the merged document is made again only when a module or a
 * description came, went or changed. Nothing it answers names a file's path: these endpoints answer anyone.
 */
public final class DescriptionCatalog {

    public static final String SUFFIX = ".openapi.json";

    private static final Logger LOG = Logger.getLogger(DescriptionCatalog.class.getName());

    /** Which version of which module's description a merged document was made from. */
    private record Source(String module, FileStamp stamp, DescriptionStatus status) {
    }

    private record Merged(List<Source> sources, String json) {
    }

    private final Supplier<Path> handlersDir;
    private final JsonObject own;
    private final Map<String, ModuleDescription> known = new ConcurrentHashMap<>();
    private volatile Merged merged;

    public DescriptionCatalog(Supplier<Path> handlersDir, JsonObject own) {
        this.handlersDir = handlersDir;
        this.own = own;
    }

    /** Whether deployed module {@code module} has a description, for discovery. */
    public DescriptionStatus status(String module) {
        return description(module).status();
    }

    /** The description {@code GET /_mik/openapi/<module>} answers, or the problem it answers instead. */
    public String document(String module) {
        if (!ModuleName.isDeployedIn(handlersDir.get(), module, ".wasm")) {
            throw new ProblemException(ProblemType.MODULE_NOT_FOUND, "No module '" + module + "' in the handlers"
                    + " directory.");
        }
        ModuleDescription description = description(module);
        return switch (description.status()) {
            case PRESENT -> description.served();
            case ABSENT -> throw new ProblemException(ProblemType.OPENAPI_NOT_FOUND, "Module '" + module + "' has"
                    + " no OpenAPI description: mik serves " + module + SUFFIX + " from beside " + module
                    + ".wasm in the handlers directory.");
            case INVALID -> throw new ProblemException(ProblemType.OPENAPI_INVALID, "The OpenAPI description of"
                    + " module '" + module + "' (" + module + SUFFIX + ") is not served: " + description.problem());
        };
    }

    /** mik's own document merged with every deployed module's description, sorted by module name. */
    public String merged() {
        List<Source> sources = new ArrayList<>();
        List<ModuleDocument> modules = new ArrayList<>();
        for (String name : NamedFiles.inOrNone(handlersDir.get(), ".wasm")) {
            if (ModuleName.isValid(name)) {
                ModuleDescription description = description(name);
                sources.add(new Source(name, description.stamp(), description.status()));
                modules.add(new ModuleDocument(name, description.status(), description.document()));
            }
        }
        known.keySet().retainAll(sources.stream().map(Source::module).toList());
        Merged current = merged;
        if (current != null && current.sources().equals(sources)) {
            return current.json();
        }
        String json = DocumentMerger.merge(own, modules).toString();
        merged = new Merged(sources, json);
        return json;
    }

    private ModuleDescription description(String module) {
        Path file = handlersDir.get().resolve(module + SUFFIX);
        FileStamp stamp;
        try {
            stamp = FileStamp.of(file);
        } catch (UncheckedIOException e) {
            return ModuleDescription.invalid(null, "The description could not be read.");
        }
        if (stamp == null) {
            known.remove(module);
            return ModuleDescription.ABSENT;
        }
        ModuleDescription cached = known.get(module);
        if (cached != null && stamp.equals(cached.stamp())) {
            return cached;
        }
        ModuleDescription fresh = load(module, file, stamp);
        if (fresh.problem() != null) {
            LOG.warning(() -> "The OpenAPI description of module '" + module + "' is invalid and not served: "
                    + fresh.problem());
        }
        known.put(module, fresh);
        return fresh;
    }

    private static ModuleDescription load(String module, Path file, FileStamp stamp) {
        try {
            if (stamp.size() > DescriptionReader.MAX_BYTES) {
                throw DescriptionReader.tooLarge(stamp.size());
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(DescriptionReader.MAX_BYTES + 1);
            } catch (IOException e) {
                return ModuleDescription.invalid(stamp, "The description could not be read.");
            }
            JsonObject document = DescriptionReader.read(bytes);
            DescriptionRules.check(document);
            return new ModuleDescription(stamp, document, served(module, document).toString(), null);
        } catch (InvalidDescriptionException e) {
            return ModuleDescription.invalid(stamp, e.getMessage());
        }
    }

    /**
     * The description with its {@code servers} saying where mik serves the module, relative to the document's own
     * address ({@code /_mik/openapi/<module>}), so it holds behind any context root or proxy.
     */
    private static JsonObject served(String module, JsonObject document) {
        JsonObjectBuilder copy = Jsonp.objectBuilder();
        document.forEach((key, value) -> {
            if (!key.equals("servers")) {
                copy.add(key, value);
            }
        });
        return copy.add("servers", Jsonp.arrayBuilder().add(Jsonp.objectBuilder()
                .add("url", "../../run/" + module)
                .add("description", "where mik serves module " + module))).build();
    }
}
