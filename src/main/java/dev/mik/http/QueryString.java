package dev.mik.http;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A raw query string as both routes read it: split at {@code &} into its non-empty pairs, kept in the order they
 * were sent. Scripts get one value per name ({@link #firstValues()}); a WAGI handler gets each pair as an argument
 * ({@link #decodedPairs()}).
 *
 * @param pairs the non-empty {@code name=value} (or {@code name}) pairs, still percent-encoded
 */
public record QueryString(List<String> pairs) {

    public QueryString {
        pairs = List.copyOf(pairs);
    }

    /** {@code null} or empty is the empty query. */
    public static QueryString parse(String raw) {
        return new QueryString(raw == null || raw.isEmpty() ? List.of()
                : Arrays.stream(raw.split("&")).filter(pair -> !pair.isEmpty()).toList());
    }

    /** The raw query of {@code values}: {@code name=value} pairs joined with {@code &}, each part percent-encoded. */
    public static String encode(Map<String, String> values) {
        StringJoiner pairs = new StringJoiner("&");
        values.forEach((name, value) ->
                pairs.add(HttpRequests.encodeQuery(name) + "=" + HttpRequests.encodeQuery(value)));
        return pairs.toString();
    }

    /** Name → value, percent-decoded, in the order sent; the first value of a repeated name wins. */
    public Map<String, String> firstValues() {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            String name = HttpRequests.decodeQuery(equals < 0 ? pair : pair.substring(0, equals));
            values.putIfAbsent(name, equals < 0 ? "" : HttpRequests.decodeQuery(pair.substring(equals + 1)));
        }
        return values;
    }

    /** Each pair percent-decoded as a whole, so {@code a=b%20c} is {@code a=b c}. */
    public List<String> decodedPairs() {
        String[] decoded = new String[pairs.size()];
        for (int i = 0; i < decoded.length; i++) {
            decoded[i] = HttpRequests.decodeQuery(pairs.get(i));
        }
        return List.of(decoded);
    }
}
