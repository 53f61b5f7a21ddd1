package dev.mik.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * The reviewed table of every function reachable from the hardened global ({@code builtins.tsv}): its cost
 * class, how it is guarded, and the caps that bound it. {@link BuiltinCaps} wraps every row guarded
 * {@code entry} with a check on entry; a unit test keeps the table equal to what the live global reaches.
 */
final class BuiltinTable {

    static final String RESOURCE = "builtins.tsv";

    /** How a builtin is kept bounded. */
    enum Guard {
        /** O(1), or bounded by caps on what it is given (argument counts, source size). */
        NONE,
        /** A native wrapped by {@link BuiltinCaps} with an allocation and deadline check on entry. */
        ENTRY,
        /** mik's own wrapper or polyfill: caps, an entry check and a tick in each of its loops. */
        MIK,
        /**
         * A native that converts its arguments to numbers, wrapped by {@link BuiltinCaps}: each argument that is a long
         * string is converted in the wrapper after a guard check, so the native only sees numbers (converting 8 Mi
         * digits takes 10-50 ms and allocates ~32 MB, and straight-line calls would otherwise meet no check).
         */
        NUMBERS
    }

    record Row(String function, String cost, Guard guard, String boundedBy) {
    }

    private BuiltinTable() {
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (String line : SandboxResources.text(RESOURCE).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split("\t", -1);
            if (cells.length != 4) {
                throw new IllegalStateException("builtin table row without 4 cells: " + line);
            }
            rows.add(new Row(cells[0], cells[1], Guard.valueOf(cells[2].toUpperCase()), cells[3]));
        }
        return List.copyOf(rows);
    }

    /** The rows {@link BuiltinCaps} wraps with an entry check, as a JavaScript array literal of paths. */
    static String entryCheckedPaths() {
        return paths(Guard.ENTRY);
    }

    /** The rows whose long-string arguments {@link BuiltinCaps} converts to numbers, as a JSON array. */
    static String numberArgumentPaths() {
        return paths(Guard.NUMBERS);
    }

    /** The paths of the rows with any of these guards, in table order, as a JSON array. */
    static String paths(Guard... guards) {
        List<Guard> wanted = List.of(guards);
        StringBuilder out = new StringBuilder("[");
        for (Row row : rows()) {
            if (wanted.contains(row.guard())) {
                out.append(out.length() > 1 ? "," : "").append('"').append(row.function()).append('"');
            }
        }
        return out.append(']').toString();
    }
}
