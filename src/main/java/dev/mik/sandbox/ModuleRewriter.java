package dev.mik.sandbox;

import org.openjdk.nashorn.internal.ir.FunctionNode;
import org.openjdk.nashorn.internal.ir.Module;
import org.openjdk.nashorn.internal.runtime.Source;

import java.util.List;

/**
 * Turns a script written as an ES module with one {@code export default} into the body of the sandbox's
 * factory function (Nashorn has no modules). The export is found through the module parse, so only a real
 * statement-level {@code export} is rewritten, never text inside a string or a comment. Lines keep their
 * numbers, so errors point at the user's own file.
 */
final class ModuleRewriter {

    /** The name the factory calls when the default export is anonymous. */
    static final String MAIN = JsParser.RESERVED_PREFIX + "Main";

    /** The factory body and the name of the function it must call with the input. */
    record Body(String text, String mainName) {
    }

    private ModuleRewriter() {
    }

    static Body rewrite(String name, String text, FunctionNode module) throws ScriptCompileException {
        Module exports = module.getModule();
        Source source = module.getSource();
        if (!exports.getImportEntries().isEmpty()) {
            throw new ScriptCompileException(name, source.getLine(exports.getImportEntries().get(0).getStartPosition()),
                    "import is not supported; a script reaches other code only through host.call");
        }
        if (!exports.getIndirectExportEntries().isEmpty() || !exports.getStarExportEntries().isEmpty()) {
            throw new ScriptCompileException(name, 1, "export ... from is not supported");
        }
        List<Module.ExportEntry> locals = exports.getLocalExportEntries();
        Module.ExportEntry main = null;
        for (Module.ExportEntry entry : locals) {
            if (!Module.DEFAULT_NAME.equals(entry.getExportName().getName())) {
                throw new ScriptCompileException(name, source.getLine(entry.getStartPosition()),
                        "only 'export default' is supported; remove 'export' from " + entry.getExportName().getName());
            }
            if (main != null) {
                throw new ScriptCompileException(name, source.getLine(entry.getStartPosition()),
                        "a script must have exactly one 'export default'");
            }
            main = entry;
        }
        if (main == null) {
            throw new ScriptCompileException(name, 1,
                    "a script must 'export default' its function, e.g. export default function (input) { ... }");
        }
        return rewriteDefault(name, text, source, main);
    }

    private static Body rewriteDefault(String name, String text, Source source, Module.ExportEntry entry)
            throws ScriptCompileException {
        int defaultAt = entry.getStartPosition();
        int line = source.getLine(defaultAt);
        int exportAt = exportKeywordBefore(text, defaultAt);
        if (!isWord(text, defaultAt, "default") || exportAt < 0) {
            throw new ScriptCompileException(name, line, "could not locate 'export default'");
        }
        int declarationAt = Trivia.skip(text, defaultAt + "default".length());
        if (isWord(text, declarationAt, "class")) {
            throw new ScriptCompileException(name, line, "classes are not supported");
        }
        if (isWord(text, declarationAt, "function")) {
            int afterKeyword = declarationAt + "function".length();
            int next = Trivia.skip(text, afterKeyword);
            if (next < text.length() && text.charAt(next) == '*') {
                throw new ScriptCompileException(name, line, "generator functions are not supported");
            }
            if (next < text.length() && text.charAt(next) == '(') {
                return new Body(replace(text, exportAt, afterKeyword, "function " + MAIN), MAIN);
            }
            return new Body(replace(text, exportAt, declarationAt, ""), entry.getLocalName().getName());
        }
        return new Body(replace(text, exportAt, declarationAt, "const " + MAIN + " = "), MAIN);
    }

    /** The {@code export} keyword separated from {@code default} by nothing but whitespace and comments. */
    private static int exportKeywordBefore(String text, int defaultAt) {
        for (int at = text.lastIndexOf("export", defaultAt - 1); at >= 0; at = text.lastIndexOf("export", at - 1)) {
            if (isWord(text, at, "export") && Trivia.skip(text, at + "export".length()) == defaultAt) {
                return at;
            }
        }
        return -1;
    }

    /** Replaces a span, keeping its line breaks so the following lines keep their numbers. */
    private static String replace(String text, int from, int to, String replacement) {
        StringBuilder out = new StringBuilder(text.length() + replacement.length());
        out.append(text, 0, from).append(replacement);
        for (int i = from; i < to; i++) {
            if (Trivia.isLineTerminator(text.charAt(i))) {
                out.append(text.charAt(i));
            }
        }
        return out.append(text, to, text.length()).toString();
    }

    private static boolean isWord(String text, int at, String word) {
        int end = at + word.length();
        return at >= 0 && text.startsWith(word, at)
                && (end == text.length() || !Character.isJavaIdentifierPart(text.charAt(end)))
                && (at == 0 || !Character.isJavaIdentifierPart(text.charAt(at - 1)));
    }
}
