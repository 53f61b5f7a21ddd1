package dev.mik.run;

import dev.mik.http.HttpRequests;
import dev.mik.http.QueryString;
import dev.mik.wasm.CommandInput;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds exactly what the WAGI contract gives a handler: the CGI/1.1 and WAGI variables, {@code HTTP_*} for each
 * request header, the module name and query parameters as arguments, and the body. Nothing of the host's own
 * environment is included.
 *
 * <p>The path variables follow WAGI for a module mounted at {@code <context>/run/<module>}: {@code SCRIPT_NAME} is
 * the mount plus the matched route's path, {@code X_MATCHED_ROUTE} the same with {@code /...} after a prefix route,
 * and {@code PATH_INFO} what follows the route: empty when nothing does, {@code /} only for a trailing slash.
 */
public final class WagiEnvironment {

    public static final String SERVER_SOFTWARE = "mik-jakarta/0.1";

    private WagiEnvironment() {
    }

    /** The input of {@code request} as {@code route} (one of its module's routes, matching it) answers it. */
    public static CommandInput of(HandlerRequest request, WagiRoute route) {
        String rawPathInfo = route.rest(request.rawPathInfo());
        String pathInfo = HttpRequests.decodePath(rawPathInfo);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("REQUEST_METHOD", request.method());
        env.put("SCRIPT_NAME", request.scriptName() + route.path());
        env.put("PATH_INFO", pathInfo);
        env.put("X_RAW_PATH_INFO", rawPathInfo);
        env.put("PATH_TRANSLATED", pathInfo);
        env.put("QUERY_STRING", request.query());
        env.put("CONTENT_TYPE", headerValue(request.headers(), "Content-Type"));
        env.put("CONTENT_LENGTH", Integer.toString(request.body().length));
        env.put("SERVER_NAME", request.server().name());
        env.put("SERVER_PORT", Integer.toString(request.server().port()));
        env.put("SERVER_PROTOCOL", request.server().protocol());
        env.put("SERVER_SOFTWARE", SERVER_SOFTWARE);
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("REMOTE_ADDR", request.server().remoteAddr());
        env.put("X_FULL_URL", request.fullUrl());
        env.put("X_MATCHED_ROUTE", request.scriptName() + route.text());
        request.headers().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                env.put(cgiName(name), value);
            }
        });
        env.put("HTTP_X_REQUEST_ID", request.requestId());
        env.put("HTTP_TRACEPARENT", request.traceparent());
        return new CommandInput(env, arguments(request), request.body());
    }

    /** {@code x-request-id} becomes {@code HTTP_X_REQUEST_ID}. */
    static String cgiName(String header) {
        StringBuilder name = new StringBuilder("HTTP_");
        for (char c : header.toCharArray()) {
            name.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
        return name.toString();
    }

    /** The module name, then one {@code key=value} (or {@code key}) per query parameter, percent-decoded. */
    static List<String> arguments(HandlerRequest request) {
        List<String> args = new ArrayList<>();
        args.add(request.module().value());
        args.addAll(QueryString.parse(request.query()).decodedPairs());
        return args;
    }

    private static String headerValue(Map<String, String> headers, String name) {
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return "";
    }
}
