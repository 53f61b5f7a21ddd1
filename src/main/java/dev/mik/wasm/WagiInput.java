package dev.mik.wasm;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a guest sees of one request: its whole environment, its arguments and its standard input.
 * Nothing else from the host reaches it.
 */
public record WagiInput(Map<String, String> environment, List<String> arguments, byte[] stdin) {
    public WagiInput {
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment)); // the guest's environ order
        arguments = List.copyOf(arguments);
    }
}
