package dev.mik.run;

import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A handler module's name as it appears in {@code /run/<name>}: letters, digits, {@code _} and {@code -} only, at
 * most 64 characters. A name is checked before anything touches the file system, so no name can reach outside the
 * handlers directory.
 */
public record ModuleName(String value) {

    public static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public ModuleName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new ProblemException(ProblemType.INVALID_NAME, "Module names are 1-64 characters of "
                    + "A-Z, a-z, 0-9, '_' and '-'.");
        }
    }

    /** Whether {@code value} is a valid name: for listing a directory, where a stray file is not an error. */
    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    public String fileName() {
        return value + ".wasm";
    }

    /**
     * Whether {@code dir} has a regular file {@code <name><suffix>} for a valid {@code name}: whether a module (or,
     * with {@code .js}, a script) of that name is deployed. An invalid name never touches the file system.
     */
    public static boolean isDeployedIn(Path dir, String name, String suffix) {
        return isValid(name) && Files.isRegularFile(dir.resolve(name + suffix));
    }

    @Override
    public String toString() {
        return value;
    }

    /** Where the module is mounted, below the application's context path: the {@code SCRIPT_NAME} of its runs. */
    public String mountedUnder(String contextPath) {
        return contextPath + "/run/" + value;
    }

    /**
     * The full URL of a run of the module ({@code X_FULL_URL}) made without an incoming request to read it from.
     *
     * @param baseUrl the application's base URL, ending in {@code /}
     * @param path    the path below the module, {@code ""} or starting with {@code /}
     * @param query   the raw query, {@code ""} for none
     */
    public String url(String baseUrl, String path, String query) {
        return baseUrl + "run/" + value + path + (query.isEmpty() ? "" : "?" + query);
    }
}
