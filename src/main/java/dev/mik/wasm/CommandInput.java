package dev.mik.wasm;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a guest sees of one run, as a WASI command sees it: its whole environment, its arguments and its
 * standard input. Nothing else from the host reaches it. (What a WAGI request puts there is the {@code run} package's:
 * {@code run/WagiEnvironment}.)
 */
public record CommandInput(Map<String, String> environment, List<String> arguments, byte[] stdin) {
    public CommandInput {
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment)); // the guest's environ order
        arguments = List.copyOf(arguments);
    }
}
