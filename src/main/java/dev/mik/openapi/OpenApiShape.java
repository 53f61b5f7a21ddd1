package dev.mik.openapi;

import java.util.List;
import java.util.regex.Pattern;

/** The parts of an OpenAPI 3.x document the checks and the merge name. */
final class OpenApiShape {

    /** The versions mik accepts: every 3.x ({@code 3.0.3}, {@code 3.1.0}, …). */
    static final Pattern VERSION = Pattern.compile("3\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?");

    /** Every section of {@code components} OpenAPI 3.0 and 3.1 define ({@code pathItems} is 3.1's). */
    static final List<String> SECTIONS = List.of("schemas", "responses", "parameters", "examples", "requestBodies",
            "headers", "securitySchemes", "links", "callbacks", "pathItems");

    /** OpenAPI's rule for a component's name. A module's are prefixed {@code <module>.}; mik's own have no dot. */
    static final Pattern COMPONENT_NAME = Pattern.compile("[a-zA-Z0-9._-]+");

    /** The operations of a path item. */
    static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private OpenApiShape() {
    }
}
