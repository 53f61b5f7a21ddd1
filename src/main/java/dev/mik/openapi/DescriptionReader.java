package dev.mik.openapi;

import dev.mik.json.Jsonp;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Turns the bytes of a {@code <module>.openapi.json} into a JSON object, within named limits: the description is
 * served to anyone and walked recursively while merging, so its size and nesting are bounded before a tree is built.
 */
public final class DescriptionReader {

    /** The largest description file mik reads: 1 MiB, far above any hand-written API description. */
    public static final int MAX_BYTES = 1024 * 1024;

    /** The deepest nesting of arrays and objects a description may have (the merge walks it recursively). */
    public static final int MAX_DEPTH = 64;

    private DescriptionReader() {
    }

    public static JsonObject read(byte[] bytes) throws InvalidDescriptionException {
        if (bytes.length > MAX_BYTES) {
            throw tooLarge(bytes.length);
        }
        String text = utf8(bytes);
        checkDepth(text);
        try (JsonReader reader = Jsonp.reader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new InvalidDescriptionException("The description must be a JSON object, not "
                        + value.getValueType().name().toLowerCase(Locale.ROOT) + ".");
            }
            return value.asJsonObject();
        } catch (JsonException e) {
            throw notJson(e);
        }
    }

    /** The problem for a file of {@code size} bytes, over {@link #MAX_BYTES}. */
    public static InvalidDescriptionException tooLarge(long size) {
        return new InvalidDescriptionException("The description is " + size + " bytes; the limit is " + MAX_BYTES
                + " bytes (1 MiB).");
    }

    private static String utf8(byte[] bytes) throws InvalidDescriptionException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidDescriptionException("The description is not UTF-8 text.");
        }
    }

    private static void checkDepth(String text) throws InvalidDescriptionException {
        int depth = 0;
        try (JsonParser parser = Jsonp.parser(new StringReader(text))) {
            while (parser.hasNext()) {
                JsonParser.Event event = parser.next();
                if (event == JsonParser.Event.START_OBJECT || event == JsonParser.Event.START_ARRAY) {
                    if (++depth > MAX_DEPTH) {
                        throw new InvalidDescriptionException("The description nests arrays and objects deeper than "
                                + MAX_DEPTH + " levels.");
                    }
                } else if (event == JsonParser.Event.END_OBJECT || event == JsonParser.Event.END_ARRAY) {
                    depth--;
                }
            }
        } catch (JsonException e) {
            throw notJson(e);
        }
    }

    private static InvalidDescriptionException notJson(JsonException e) {
        String where = e instanceof JsonParsingException parsing && parsing.getLocation() != null
                ? " (line " + parsing.getLocation().getLineNumber() + ", column "
                + parsing.getLocation().getColumnNumber() + ")" : "";
        return new InvalidDescriptionException("The description is not valid JSON" + where + ".");
    }
}
