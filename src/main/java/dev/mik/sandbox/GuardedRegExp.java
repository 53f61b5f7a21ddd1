package dev.mik.sandbox;

import org.openjdk.nashorn.internal.runtime.ParserException;
import org.openjdk.nashorn.internal.runtime.regexp.JdkRegExp;
import org.openjdk.nashorn.internal.runtime.regexp.RegExpMatcher;

import java.lang.reflect.Field;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JavaScript regular expression run by java.util.regex over an input that calls the current run's guard
 * every {@value #CHARS_PER_CHECK} character reads (more often for a pattern of a high {@link RegexWeight}, which
 * is capped at {@link #MAX_WEIGHT}). Neither Joni nor java.util.regex looks at interrupts, so
 * this is what stops a catastrophic backtracking pattern. Nashorn's {@link JdkRegExp} translates the
 * JavaScript syntax; only the input it matches over differs. Installed by mik's
 * {@code org.openjdk.nashorn.internal.runtime.regexp.RegExpFactory}.
 */
public final class GuardedRegExp extends JdkRegExp {

    static final int CHARS_PER_CHECK = 4096;
    /** Compiled expressions kept for reuse: a literal in a loop is compiled on every evaluation otherwise. */
    static final int CACHE_SIZE = 256;
    /**
     * Longest source kept in the cache. A compiled pattern costs about ten bytes per source character, and the
     * cache outlives the run, so {@code new RegExp(hugeText + input.n)} must not leave its pattern behind for
     * the next requests. Longer expressions are compiled for each use.
     */
    static final int MAX_CACHED_SOURCE_LENGTH = 4 * 1024;
    /**
     * Longest source compiled at all: java.util.regex optimises a literal pattern with a Boyer-Moore table
     * built in time quadratic in its length (seconds at 64 Ki characters), inside one uninterruptible call.
     */
    static final int MAX_SOURCE_LENGTH = 8 * 1024;
    /**
     * Largest {@link RegexWeight} compiled: steps over zero-width atoms read no character, so
     * {@code /(?:^){999999999}/} ran 17 s between two guard checks; ~17 ns a step, this is ~20 ms.
     */
    static final long MAX_WEIGHT = 1_000_000;
    /** A pattern of at most this weight checks the guard every {@link #CHARS_PER_CHECK} reads; heavier, more often. */
    static final long LIGHT_WEIGHT = 64;
    /** Characters of all cached keys (flags, '/', source) together; the least recently used leave first. */
    static final int MAX_CACHED_SOURCE_CHARS = 256 * 1024;

    private static final Field PATTERN = patternField();
    /** Guarded by itself; in access order, so iteration starts at the least recently used. */
    private static final Map<String, GuardedRegExp> CACHE = new LinkedHashMap<>(CACHE_SIZE, 0.75f, true);
    private static int cachedKeyChars;

    private final Pattern pattern;
    /** Reads between two guard checks: fewer as the weight (steps a read may cost) grows. */
    private final int charsPerCheck;

    /** Compiles after the weight is checked: {@code weight} is {@link #checkedWeight} of the source. */
    private GuardedRegExp(String source, String flags, long weight) throws ParserException {
        super(source, flags);
        this.charsPerCheck = (int) Math.max(1, CHARS_PER_CHECK * LIGHT_WEIGHT / Math.max(weight, LIGHT_WEIGHT));
        try {
            this.pattern = (Pattern) PATTERN.get(this);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read the translated pattern of /" + source + "/", e);
        }
    }

    /** A compiled expression for this source and these flags; instances are immutable and shared. */
    public static GuardedRegExp of(String source, String flags) throws ParserException {
        if (source.length() > MAX_SOURCE_LENGTH) {
            throw new ParserException("a regular expression may hold at most " + MAX_SOURCE_LENGTH + " characters");
        }
        if (source.length() > MAX_CACHED_SOURCE_LENGTH) {
            return new GuardedRegExp(source, flags, checkedWeight(source));
        }
        String key = flags + '/' + source;
        synchronized (CACHE) {
            GuardedRegExp cached = CACHE.get(key);
            if (cached != null) {
                return cached;
            }
        }
        GuardedRegExp compiled = new GuardedRegExp(source, flags, checkedWeight(source));
        synchronized (CACHE) {
            if (CACHE.put(key, compiled) == null) {
                cachedKeyChars += key.length();
            }
            Iterator<Map.Entry<String, GuardedRegExp>> eldest = CACHE.entrySet().iterator();
            while (CACHE.size() > CACHE_SIZE || cachedKeyChars > MAX_CACHED_SOURCE_CHARS) {
                cachedKeyChars -= eldest.next().getKey().length();
                eldest.remove();
            }
        }
        return compiled;
    }

    private static long checkedWeight(String source) throws ParserException {
        long weight = RegexWeight.of(source, MAX_WEIGHT);
        if (weight > MAX_WEIGHT) {
            throw new ParserException("a regular expression may repeat its atoms at most " + MAX_WEIGHT
                    + " times in all (the bounds of nested counted quantifiers multiply)");
        }
        return weight;
    }

    /** What the cache holds now. */
    static CacheUsage cacheUsage() {
        synchronized (CACHE) {
            return new CacheUsage(CACHE.size(), cachedKeyChars);
        }
    }

    /** @param keyChars characters of the cached keys, bounded by {@link #MAX_CACHED_SOURCE_CHARS} */
    record CacheUsage(int entries, int keyChars) {
    }

    @Override
    public RegExpMatcher match(String input) {
        return pattern == null ? null : new GuardedMatcher(pattern, input, RunGuard.current(), charsPerCheck);
    }

    private static Field patternField() {
        try {
            Field field = JdkRegExp.class.getDeclaredField("pattern");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("nashorn-core's JdkRegExp changed: " + e);
        }
    }

    /** Nashorn's view of one match attempt over a guarded input. */
    private static final class GuardedMatcher implements RegExpMatcher {

        private final String input;
        private final Matcher matcher;

        GuardedMatcher(Pattern pattern, String input, RunGuard guard, int charsPerCheck) {
            this.input = input;
            this.matcher = pattern.matcher(guard == null ? input : new GuardedChars(input, guard, charsPerCheck));
        }

        @Override
        public boolean search(int start) {
            return matcher.find(start);
        }

        @Override
        public String getInput() {
            return input;
        }

        @Override
        public int start() {
            return matcher.start();
        }

        @Override
        public int start(int group) {
            return matcher.start(group);
        }

        @Override
        public int end() {
            return matcher.end();
        }

        @Override
        public int end(int group) {
            return matcher.end(group);
        }

        @Override
        public String group() {
            return matcher.group();
        }

        @Override
        public String group(int group) {
            return matcher.group(group);
        }

        @Override
        public int groupCount() {
            return matcher.groupCount();
        }
    }

    /** The matcher's input: every few thousand reads it lets the guard stop the match. */
    private static final class GuardedChars implements CharSequence {

        private final String text;
        private final RunGuard guard;
        private final int charsPerCheck;
        private int untilCheck;

        GuardedChars(String text, RunGuard guard, int charsPerCheck) {
            this.text = text;
            this.guard = guard;
            this.charsPerCheck = charsPerCheck;
            this.untilCheck = charsPerCheck;
        }

        @Override
        public char charAt(int index) {
            if (--untilCheck <= 0) {
                untilCheck = charsPerCheck;
                guard.check();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
