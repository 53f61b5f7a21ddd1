package dev.mik.sandbox;

/**
 * Measures a JSON text without parsing it, in one linear scan: how deeply it nests (parsing recurses per level, so a
 * hostile input could exhaust the stack) and how many members its widest object has (Nashorn's property map makes
 * an object with many keys, worse keys of one hash code, quadratic to build inside one native {@code JSON.parse}).
 */
public final class JsonShape {

    private JsonShape() {
    }

    /** The deepest nesting of arrays and objects. */
    public static int depth(String json) {
        return scan(json, Integer.MAX_VALUE, true);
    }

    /**
     * Members of the widest object: the {@code ':'} outside strings whose innermost open bracket is a {@code '{'}
     * (one per member in valid JSON; invalid text only counts more). Stops once a count passes {@code cap}.
     */
    public static int widest(String json, int cap) {
        return scan(json, cap, false);
    }

    private static int scan(String json, int cap, boolean wantDepth) {
        int deepest = 0;
        int[] members = new int[16];
        boolean[] isObject = new boolean[16];
        int depth = 0;
        int widest = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth == members.length) {
                    members = java.util.Arrays.copyOf(members, 2 * depth);
                    isObject = java.util.Arrays.copyOf(isObject, 2 * depth);
                }
                deepest = Math.max(deepest, depth);
                members[depth] = 0;
                isObject[depth] = c == '{';
            } else if (c == '}' || c == ']') {
                depth = Math.max(0, depth - 1);
            } else if (c == ':' && isObject[depth]) {
                widest = Math.max(widest, ++members[depth]);
                if (widest > cap) {
                    return widest;
                }
            }
        }
        return wantDepth ? deepest : widest;
    }
}
