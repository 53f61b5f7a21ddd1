package dev.mik.sandbox;

/**
 * The script that caps builtins which could run or allocate unboundedly inside one uninterruptible call, and
 * adds the ES2015+ methods Nashorn lacks (so no Java method of the same name is reached instead). Loops it runs
 * on a script's behalf call the current run's guard through a {@link GuardTicker}, held only by its closures.
 * It returns the bounded JSON serialiser the runner uses.
 *
 * <p>The caps, each a {@code RangeError} when exceeded:
 * <ul>
 * <li>{@link ScriptSandbox#MAX_STRING_LENGTH}: result length of {@code repeat}, {@code padStart},
 * {@code padEnd}, {@code Array.prototype.join} (and so {@code toString}), {@code String.prototype.concat},
 * {@code replace} and {@code replaceAll}; {@code +} is capped by the same number in mik's ConsString. A replacement
 * string's expansion ({@code $&}, {@code $`}, {@code $'}, {@code $n}) is measured over the matches before the
 * result is built; a replacer function's results are counted as they are returned.</li>
 * <li>{@link #MAX_ARRAY_LENGTH}: length of the array any {@code Array.prototype} walking method accepts (a
 * sparse {@code a[1e9]=1; a.indexOf(2)} otherwise runs for seconds), of {@code concat}'s and {@code split}'s
 * result, of {@code Array.from}, and the {@code n} of {@code fill}.</li>
 * <li>{@link #MAX_DEFAULT_SORT}: elements {@code sort()} orders without a comparator (it compares as strings
 * inside one call; with a comparator each comparison runs guarded script code).</li>
 * <li>{@link #MAX_APPLY_ARGUMENTS}: arguments {@code Function.prototype.apply} spreads.</li>
 * <li>{@link #MAX_JSON_LENGTH}: approximate length of {@code JSON.stringify}'s result, counted by a replacer
 * while it serialises (strings and keys at their escaped length), so an exponential DAG of shared arrays and a
 * string of control characters (six characters each once escaped) stop early.</li>
 * <li>{@link #MAX_JSON_PARSE_LENGTH}, {@link #MAX_COLLATE_LENGTH}, {@link #MAX_MATCHES}: input of a script's
 * {@code JSON.parse} (and {@link ScriptSandbox#MAX_OBJECT_MEMBERS} members in any one object of it, a
 * {@code SyntaxError}, also for the runner's parse of the input and host results), each side of
 * {@code localeCompare}, matches of a global {@code match}; the result of
 * {@code encodeURI}/{@code encodeURIComponent} (measured exactly first) and case conversion, and six times the
 * input of {@code escape}, are capped at the string limit; {@code Object.keys}/{@code getOwnPropertyNames} of
 * a string or array, and {@code Map}/{@code Set} built from one, at the array limit.</li>
 * </ul>
 * Searches ({@code indexOf}, {@code lastIndexOf}, {@code includes}, {@code split} on a string) and case
 * conversion run linear algorithms in Java ({@link LinearText}); the JDK's are O(n·m) and quadratic. Every
 * function of builtins.tsv guarded {@code entry} is wrapped here with a check on entry, and mik's own wrappers
 * check on entry too: a tripped run cannot start one more builtin, and the allocation budget is read between
 * any two allocating calls, also in code without loops.
 * Polyfilled: {@code String.prototype} repeat, padStart, padEnd, startsWith, endsWith, includes, codePointAt,
 * trimStart, trimEnd, replaceAll; {@code Array.prototype} includes, find, findIndex, fill; {@code Array.from},
 * {@code Array.of}, {@code Object.assign}, {@code Object.values}, {@code Object.entries}.
 */
public final class BuiltinCaps {

    /**
     * Elements a builtin walks in one call. At 500,000 the slowest walkers (concat, reverse) took 0.4-0.8 s on this
     * busy 2-core machine; at this cap they stay near 0.2 s.
     */
    public static final int MAX_ARRAY_LENGTH = 200_000;
    /** Elements a Map, Set, WeakMap or WeakSet takes from an iterable: each is hashed in, ~2-5 µs under load. */
    public static final int MAX_COLLECTION_ELEMENTS = 100_000;
    public static final int MAX_DEFAULT_SORT = 100_000;
    public static final int MAX_APPLY_ARGUMENTS = 65_536;
    public static final int MAX_JSON_LENGTH = 8 * 1024 * 1024;
    /** Values one {@code JSON.stringify} may visit: each costs a replacer call, ~1-3 µs. */
    public static final int MAX_JSON_VALUES = 200_000;
    /** Elements one {@code join} may convert: Nashorn's number-to-string costs ~2-4 µs each. */
    public static final int MAX_JOIN_ELEMENTS = 100_000;
    /** Characters {@code JSON.parse} accepts from a script (the runner parses the request body unbounded). */
    public static final int MAX_JSON_PARSE_LENGTH = 1024 * 1024;
    /** Characters of each side of {@code localeCompare}: collation costs ~2 µs a character. */
    public static final int MAX_COLLATE_LENGTH = 64 * 1024;
    /** Matches a global {@code match} returns: each is a string of its own. */
    public static final int MAX_MATCHES = 200_000;
    /** A string longer than this is compared in a ticking loop by the array searches (each compare is O(m)). */
    static final int LONG_STRING = 1024;

    private BuiltinCaps() {
    }

    /** A function of the global object, a {@link GuardTicker} and the caps as JSON text ({@link #capsJson()}). */
    static String script() {
        return SCRIPT;
    }

    /** Every cap the script enforces, and the builtins it wraps, as the JSON object it reads them from. */
    static String capsJson() {
        return "{\"maxString\":" + ScriptSandbox.MAX_STRING_LENGTH
                + ",\"maxArray\":" + MAX_ARRAY_LENGTH
                + ",\"maxCollection\":" + MAX_COLLECTION_ELEMENTS
                + ",\"maxDefaultSort\":" + MAX_DEFAULT_SORT
                + ",\"maxApply\":" + MAX_APPLY_ARGUMENTS
                + ",\"maxJson\":" + MAX_JSON_LENGTH
                + ",\"maxJsonValues\":" + MAX_JSON_VALUES
                + ",\"maxJoin\":" + MAX_JOIN_ELEMENTS
                + ",\"maxJsonParse\":" + MAX_JSON_PARSE_LENGTH
                + ",\"maxCollate\":" + MAX_COLLATE_LENGTH
                + ",\"maxMatches\":" + MAX_MATCHES
                + ",\"longString\":" + LONG_STRING
                + ",\"maxJsonMembers\":" + ScriptSandbox.MAX_OBJECT_MEMBERS
                + ",\"entryChecked\":" + BuiltinTable.entryCheckedPaths()
                + ",\"numberArguments\":" + BuiltinTable.numberArgumentPaths() + "}";
    }

    private static final String SCRIPT = SandboxResources.text("builtin-caps.js");
}
