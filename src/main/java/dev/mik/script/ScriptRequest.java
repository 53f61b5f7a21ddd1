package dev.mik.script;

import dev.mik.json.Jsonp;
import jakarta.json.JsonObjectBuilder;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One request for a script: its name, what the script sees as {@code request} ({@code method}, {@code path} after
 * {@code /script/<name>}, {@code query} parameters, lower-case {@code headers}), the body that becomes {@code input},
 * and where the request came from, for its {@code host.call}s.
 */
public record ScriptRequest(ScriptName name, String method, String path, Map<String, String> query,
                            Map<String, String> headers, byte[] body, HostCallBridge.Origin origin) {

    public ScriptRequest {
        query = Collections.unmodifiableMap(new LinkedHashMap<>(query));
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The {@code request} global, as JSON. */
    String json() {
        JsonObjectBuilder queryObject = Jsonp.objectBuilder();
        query.forEach(queryObject::add);
        JsonObjectBuilder headerObject = Jsonp.objectBuilder();
        headers.forEach((key, value) -> headerObject.add(key.toLowerCase(Locale.ROOT), value));
        return Jsonp.objectBuilder()
                .add("method", method)
                .add("path", path)
                .add("query", queryObject)
                .add("headers", headerObject)
                .build()
                .toString();
    }
}
