package dev.mik.script;

import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.run.ModuleName;

/** A script's name as it appears in {@code /script/<name>}; the same alphabet as module names, checked first. */
public record ScriptName(String value) {

    public ScriptName {
        if (value == null || !ModuleName.VALID.matcher(value).matches()) {
            throw new ProblemException(ProblemType.INVALID_NAME, "Script names are 1-64 characters of "
                    + "A-Z, a-z, 0-9, '_' and '-'.");
        }
    }

    public String fileName() {
        return value + ".js";
    }

    @Override
    public String toString() {
        return value;
    }
}
