package dev.mik.sandbox;

import org.openjdk.nashorn.internal.ir.FunctionNode;
import org.openjdk.nashorn.internal.ir.IdentNode;
import org.openjdk.nashorn.internal.parser.Parser;
import org.openjdk.nashorn.internal.parser.Token;
import org.openjdk.nashorn.internal.runtime.ErrorManager;
import org.openjdk.nashorn.internal.runtime.ParserException;
import org.openjdk.nashorn.internal.runtime.ScriptEnvironment;
import org.openjdk.nashorn.internal.runtime.Source;
import org.openjdk.nashorn.internal.runtime.options.Options;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Nashorn's internal parser, configured like the sandbox's engine (ES6, strict, no Nashorn syntax extensions).
 * The internal IR is the one Nashorn compiles; the public {@code api.tree} drops {@code for (let ...)} loops,
 * so instrumentation built on it could miss a loop. Not thread-safe: one instance per compile.
 */
final class JsParser {

    /** Identifiers the sandbox itself uses; a script may not spell one. */
    static final String RESERVED_PREFIX = "__g";

    private static final Pattern LOCATED = Pattern.compile(".*?:(\\d+)(:\\d+)? (.*)");
    private static final String[] OPTIONS = {"--language=es6", "-strict", "--no-syntax-extensions"};

    private final ScriptEnvironment environment;

    JsParser() {
        PrintWriter discard = new PrintWriter(Writer.nullWriter());
        Options options = new Options("nashorn", discard);
        options.process(OPTIONS);
        this.environment = new ScriptEnvironment(options, discard, discard);
    }

    /** Parses the script as the user wrote it, as an ES module; rejects any reserved identifier. */
    FunctionNode parseModule(String name, String text) throws ScriptCompileException {
        return parse(name, text, true);
    }

    /** Parses sandbox-generated text (the factory around the user's code), where reserved names are expected. */
    FunctionNode parseScript(String name, String text) throws ScriptCompileException {
        return parse(name, text, false);
    }

    private FunctionNode parse(String name, String text, boolean asUserModule) throws ScriptCompileException {
        Source source = Source.sourceFor(name, text);
        FirstError errors = new FirstError();
        CheckingParser parser = new CheckingParser(environment, source, errors, asUserModule);
        FunctionNode program;
        try {
            program = asUserModule ? parser.parseModule(name) : parser.parse();
        } catch (StackOverflowError e) {
            throw new ScriptCompileException(name, 1, "the script nests too deeply to be parsed");
        } catch (AssertionError e) {
            // with -ea, Nashorn's lexer asserts where it would otherwise report a syntax error
            throw new ScriptCompileException(name, 1, "the script could not be parsed (Nashorn cannot read a "
                    + "regular expression or a division inside a template substitution)");
        }
        if (errors.internal && parser.evalPosition >= 0) {
            // Nashorn's module parser fails on a direct eval instead of reporting it
            throw new ScriptCompileException(name, source.getLine(parser.evalPosition),
                    "eval is not available in scripts");
        }
        if (errors.first != null) {
            ParserException error = errors.first;
            throw new ScriptCompileException(name, Math.max(1, error.getLineNumber()), describe(error.getMessage()));
        }
        if (program == null) {
            throw new ScriptCompileException(name, 1, "the script could not be parsed");
        }
        if (parser.reservedPosition >= 0) {
            throw new ScriptCompileException(name, source.getLine(parser.reservedPosition),
                    "identifiers starting with " + RESERVED_PREFIX + " are reserved by the sandbox: "
                            + parser.reservedName);
        }
        return program;
    }

    /** Nashorn formats errors as "name:line:column message", then the source line and a caret. */
    static String describe(String message) {
        String first = message == null ? "syntax error" : message.lines().findFirst().orElse(message);
        Matcher located = LOCATED.matcher(first);
        return located.matches() ? located.group(3) : first;
    }

    /** The first "name:line" a Nashorn message mentions for this script, or 1. */
    static int lineIn(String name, String message) {
        Matcher located = Pattern.compile(Pattern.quote(name) + ":(\\d+)").matcher(message == null ? "" : message);
        return located.find() ? Math.max(1, Integer.parseInt(located.group(1))) : 1;
    }

    /** Sees every identifier the parser creates: names, parameters, labels, property keys, catch bindings. */
    private static final class CheckingParser extends Parser {

        private final boolean rejectReserved;
        private int reservedPosition = -1;
        private String reservedName;
        private int evalPosition = -1;

        CheckingParser(ScriptEnvironment environment, Source source, ErrorManager errors, boolean rejectReserved) {
            super(environment, source, errors);
            this.rejectReserved = rejectReserved;
        }

        @Override
        protected IdentNode createIdentNode(long identToken, int identFinish, String name) {
            if (rejectReserved && reservedPosition < 0 && name.startsWith(RESERVED_PREFIX)) {
                reservedPosition = Token.descPosition(identToken);
                reservedName = name;
            }
            if (evalPosition < 0 && "eval".equals(name)) {
                evalPosition = Token.descPosition(identToken);
            }
            return super.createIdentNode(identToken, identFinish, name);
        }
    }

    /** Keeps the first syntax error and prints nothing. */
    private static final class FirstError extends ErrorManager {

        private ParserException first;
        private boolean internal;

        FirstError() {
            super(new PrintWriter(Writer.nullWriter()));
        }

        @Override
        public void error(ParserException error) {
            if (first == null) {
                first = error;
            }
            super.error(error);
        }

        /** Nashorn reports exceptions of its own parser here, syntax errors above. */
        @Override
        public void error(String message) {
            if (first == null) {
                first = new ParserException(message);
                internal = true;
            }
            super.error(message);
        }
    }
}
