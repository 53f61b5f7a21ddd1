package dev.mik.sandbox;

/**
 * The hardened global's trusted Java helper, held only inside the hardening script's closures; no script can
 * name it. It lets the builtin wrappers call the guard of the run on the current thread ({@link #tick()} in
 * their loops, {@link #enter()} on entry) and run the linear-time string algorithms of {@link LinearText}.
 */
public final class GuardTicker {

    GuardTicker() {
        // LinearText builds its case tables on first use: here, at start-up, not inside a script's deadline
        LinearText.toUpperCase("\u00DF");
    }

    /** Counts like an instrumented loop: the clocks are read every {@value RunGuard#CHECK_EVERY} calls. */
    public void tick() {
        RunGuard guard = RunGuard.current();
        if (guard != null) {
            guard.t();
        }
    }

    /** On entry to a builtin whose work grows with its input: stops a tripped run and reads the budget now. */
    public void enter() {
        RunGuard.checkCurrent();
    }

    /** {@link #enter()} for a builtin that may allocate about {@code aheadBytes}: the pool must cover them first. */
    public void enterAhead(double aheadBytes) {
        RunGuard.checkCurrent(aheadBytes >= Long.MAX_VALUE ? Long.MAX_VALUE : aheadBytes > 0 ? (long) aheadBytes : 0);
    }

    public int indexOf(String s, String pattern, int from) {
        return LinearText.indexOf(s, pattern, from);
    }

    public int lastIndexOf(String s, String pattern, int from) {
        return LinearText.lastIndexOf(s, pattern, from);
    }

    /** The upper-cased text, or null when it would be longer than {@code maxLength}. */
    public String upperCase(String s, int maxLength) {
        String mapped = LinearText.toUpperCase(s);
        return mapped.length() > maxLength ? null : mapped;
    }

    /** The lower-cased text, or null when it would be longer than {@code maxLength}. */
    public String lowerCase(String s, int maxLength) {
        String mapped = LinearText.toLowerCase(s);
        return mapped.length() > maxLength ? null : mapped;
    }

    /** Length of the encoded text, or -1 when the text holds an unpaired surrogate. */
    public double encodedUriLength(String s, boolean component) {
        return LinearText.encodedUriLength(s, component);
    }

    /** Length of the quoted, escaped string literal {@code JSON.stringify} writes for {@code s}. */
    public double jsonQuotedLength(String s) {
        return LinearText.jsonQuotedLength(s);
    }

    /** Members of the widest object in a JSON text, counted up to just past {@code cap}. */
    public int widestJsonObject(String json, int cap) {
        return JsonShape.widest(json, cap);
    }

    public String encodeUri(String s, boolean component) {
        return LinearText.encodeUri(s, component);
    }
}
