package dev.mik.script;

import dev.mik.json.Jsonp;
import dev.mik.problem.ProblemException;
import dev.mik.problem.ProblemType;
import dev.mik.sandbox.ScriptSandbox;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A script's input, measured in Java by a streaming parse before the sandbox's {@code JSON.parse} builds it: the
 * streaming parser holds one token at a time, so a hostile body is refused after a bounded amount of work instead of
 * after the sandbox has built millions of objects.
 *
 * @param text  the body as text, or null when it is empty or blank ({@code input} is then null)
 * @param nodes values in it (objects, arrays, strings, numbers, literals)
 */
public record ScriptInput(String text, long nodes) {

    /** Members one object of the input may have: the sandbox's own limit (see there why). */
    public static final int MAX_OBJECT_MEMBERS = ScriptSandbox.MAX_OBJECT_MEMBERS;
    /**
     * Heap one parsed value may take while the script runs, for the memory reservation: Nashorn's {@code JSON.parse}
     * allocated 200-400 bytes per value in measurements (an object with one small member: ~400 bytes for two values).
     */
    static final long BYTES_PER_NODE = 400;

    /**
     * @throws ProblemException 413 {@link ProblemType#REQUEST_TOO_LARGE} past {@code maxNodes} values, past
     *                          {@link ScriptSandbox#MAX_INPUT_NESTING} levels or {@link #MAX_OBJECT_MEMBERS} members;
     *                          400 {@link ProblemType#INVALID_INPUT} when the body is not one JSON value
     */
    public static ScriptInput of(byte[] body, long maxNodes) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return new ScriptInput(null, 0);
        }
        return new ScriptInput(text, countNodes(text, maxNodes));
    }

    /** Heap the input holds while its run lasts: its text (two bytes a character at most) and its parsed values. */
    public long estimatedHeapBytes() {
        return text == null ? 0 : 2L * text.length() + nodes * BYTES_PER_NODE;
    }

    private static long countNodes(String text, long maxNodes) {
        int[] members = new int[ScriptSandbox.MAX_INPUT_NESTING + 1];
        int depth = 0;
        long nodes = 0;
        try (JsonParser parser = Jsonp.parser(new StringReader(text))) {
            while (parser.hasNext()) {
                JsonParser.Event event = parser.next();
                switch (event) {
                    case END_OBJECT, END_ARRAY -> depth--;
                    case KEY_NAME -> {
                        if (++members[depth] > MAX_OBJECT_MEMBERS) {
                            throw tooLarge("an object has more than " + MAX_OBJECT_MEMBERS + " members", "members",
                                    MAX_OBJECT_MEMBERS);
                        }
                    }
                    default -> {
                        if (++nodes > maxNodes) {
                            throw tooLarge("it holds more than " + maxNodes + " values (mik.script.input.max-nodes)",
                                    "nodes", maxNodes);
                        }
                        if (event == JsonParser.Event.START_OBJECT || event == JsonParser.Event.START_ARRAY) {
                            if (++depth > ScriptSandbox.MAX_INPUT_NESTING) {
                                throw tooLarge("it nests deeper than " + ScriptSandbox.MAX_INPUT_NESTING + " levels",
                                        "depth", ScriptSandbox.MAX_INPUT_NESTING);
                            }
                            members[depth] = 0;
                        }
                    }
                }
            }
        } catch (JsonParsingException e) {
            throw invalid(e.getMessage());
        } catch (jakarta.json.JsonException | IllegalStateException | java.util.NoSuchElementException e) {
            // a second top-level value, or a document that ends too early, is not one JSON value either
            throw invalid(e.getMessage());
        }
        return nodes;
    }

    private static ProblemException tooLarge(String why, String limit, long max) {
        return new ProblemException(ProblemType.REQUEST_TOO_LARGE, "The request body is too large to be a script's "
                + "input: " + why + ".", null, Map.of("limit", limit, "max", max));
    }

    private static ProblemException invalid(String why) {
        return new ProblemException(ProblemType.INVALID_INPUT, "The request body is not valid JSON: " + why);
    }
}
