package org.openjdk.nashorn.internal.runtime.regexp;

import dev.mik.sandbox.GuardedRegExp;
import org.openjdk.nashorn.internal.runtime.ParserException;

/**
 * mik's stand-in for Nashorn's regular-expression factory. The web application's own classes are loaded
 * before its libraries, so this class replaces the one in nashorn-core and every JavaScript regular
 * expression is compiled to a {@link GuardedRegExp}, whose matching a script's run guard can stop.
 * It keeps the public surface Nashorn calls: {@code create}, {@code validate}, {@code compile} and
 * {@code usesJavaUtilRegex}.
 */
public class RegExpFactory {

    private static final RegExpFactory GUARDED = new RegExpFactory();

    public RegExpFactory() {
        // subclasses (nashorn-core's Joni factory) still link against this constructor
    }

    public RegExp compile(String pattern, String flags) throws ParserException {
        return GuardedRegExp.of(pattern, flags);
    }

    public static RegExp create(String pattern, String flags) {
        return GUARDED.compile(pattern, flags);
    }

    public static void validate(String pattern, String flags) throws ParserException {
        create(pattern, flags);
    }

    public static boolean usesJavaUtilRegex() {
        return true;
    }
}
