package dev.mik.run;

import java.util.List;
import java.util.Map;

/** A handler's answer, parsed from its CGI output: status, headers in the order written, body. */
public record HandlerResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {

    public HandlerResponse {
        headers = List.copyOf(headers);
    }

    /** The first value of a header, matched case-insensitively, or null. */
    public String header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }
}
