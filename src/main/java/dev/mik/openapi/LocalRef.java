package dev.mik.openapi;

import jakarta.json.JsonValue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A reference inside the same document, {@code #/components/schemas/Pet}: a JSON Pointer (RFC 6901) written as a URI
 * fragment, so its tokens are percent-encoded and {@code ~1}/{@code ~0}-escaped. Merging re-roots paths and renames
 * components, so references are decoded to tokens, changed, and encoded again.
 */
public record LocalRef(List<String> tokens) {

    public LocalRef {
        tokens = List.copyOf(tokens);
    }

    /** The tokens of {@code ref}, or null when it is not a local reference ({@code #} or {@code #/…}). */
    public static LocalRef parse(String ref) {
        if (!ref.startsWith("#")) {
            return null;
        }
        String pointer = percentDecode(ref.substring(1));
        if (pointer == null || !(pointer.isEmpty() || pointer.startsWith("/"))) {
            return null;
        }
        List<String> tokens = new ArrayList<>();
        if (!pointer.isEmpty()) {
            for (String token : pointer.substring(1).split("/", -1)) {
                tokens.add(token.replace("~1", "/").replace("~0", "~"));
            }
        }
        return new LocalRef(tokens);
    }

    /** This reference with token {@code index} replaced. */
    public LocalRef with(int index, String token) {
        List<String> changed = new ArrayList<>(tokens);
        changed.set(index, token);
        return new LocalRef(changed);
    }

    /** What it points to in {@code document}, or null when nothing is there. */
    public JsonValue resolveIn(JsonValue document) {
        JsonValue at = document;
        for (String token : tokens) {
            if (at.getValueType() == JsonValue.ValueType.OBJECT) {
                at = at.asJsonObject().get(token);
            } else if (at.getValueType() == JsonValue.ValueType.ARRAY && token.matches("0|[1-9][0-9]{0,8}")) {
                int index = Integer.parseInt(token);
                at = index < at.asJsonArray().size() ? at.asJsonArray().get(index) : null;
            } else {
                return null;
            }
            if (at == null) {
                return null;
            }
        }
        return at;
    }

    /** The fragment form, with every character a URI fragment may not hold percent-encoded. */
    @Override
    public String toString() {
        StringBuilder ref = new StringBuilder("#");
        for (String token : tokens) {
            ref.append('/');
            for (byte b : token.replace("~", "~0").replace("/", "~1").getBytes(StandardCharsets.UTF_8)) {
                char c = (char) (b & 0xff);
                if (isFragmentChar(c)) {
                    ref.append(c);
                } else {
                    ref.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
                }
            }
        }
        return ref.toString();
    }

    /** RFC 3986 fragment characters, without '/' (a token's own slashes are {@code ~1}) and '%'. */
    private static boolean isFragmentChar(char c) {
        return c < 0x80 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@?".indexOf(c) >= 0);
    }

    private static String percentDecode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int plain = 0;
        for (int i = text.indexOf('%'); i >= 0; i = text.indexOf('%', plain)) {
            bytes.writeBytes(text.substring(plain, i).getBytes(StandardCharsets.UTF_8));
            int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
            int low = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
            if (high < 0 || low < 0) {
                return null;
            }
            bytes.write(high * 16 + low);
            plain = i + 3;
        }
        bytes.writeBytes(text.substring(plain).getBytes(StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
