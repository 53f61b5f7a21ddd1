package org.openjdk.nashorn.internal.runtime;

import dev.mik.sandbox.RunGuard;
import dev.mik.sandbox.ScriptSandbox;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * mik's stand-in for Nashorn's concatenated string (a rope built by {@code +}), loaded before nashorn-core's
 * like the regular-expression factory. It refuses to grow past {@link ScriptSandbox#MAX_STRING_LENGTH}
 * characters: Nashorn turns the {@link IllegalArgumentException} into a JavaScript RangeError. Without the cap,
 * thirty {@code s += s} build a rope of 2^30 characters for free, and the first {@code s === t} or
 * {@code s.charAt(0)} then flattens it inside one uninterruptible call (seconds of CPU and gigabytes of heap).
 *
 * <p>Flattening walks the rope without recursion; empty parts are dropped when the rope is built, so every
 * leaf holds a character and a walk costs at most the string's length, and a part concatenated with itself
 * is flattened once and copied.
 */
public final class ConsString implements CharSequence {

    private final int length;
    private volatile Parts parts;

    public ConsString(CharSequence left, CharSequence right) {
        long total = (long) left.length() + right.length();
        if (total > ScriptSandbox.MAX_STRING_LENGTH) {
            throw new IllegalArgumentException("a concatenated string may hold at most "
                    + ScriptSandbox.MAX_STRING_LENGTH + " characters");
        }
        this.length = (int) total;
        this.parts = total == 0 ? new Parts("", null)
                : new Parts(left.length() == 0 ? "" : left, right.length() == 0 ? "" : right);
    }

    @Override
    public String toString() {
        Parts current = parts;
        if (current.right == null) {
            return (String) current.left;
        }
        String flat = flatten();
        parts = new Parts(flat, null);
        return flat;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        return toString().charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return toString().subSequence(start, end);
    }

    /** The two parts, or the flat string and an empty one once flattened. */
    public CharSequence[] getComponents() {
        Parts current = parts;
        return new CharSequence[] {current.left, current.right == null ? "" : current.right};
    }

    /** Fills the characters from the right end, popping parts off an explicit stack. */
    private String flatten() {
        // the one place a rope costs memory: a run over its allocation budget (or tripped) stops here, and the pool
        // must cover the characters (2 bytes each) and the compacted string made from them
        RunGuard.checkCurrent(4L * length);
        char[] out = new char[length];
        int end = length;
        Deque<CharSequence> pending = new ArrayDeque<>();
        pending.push(this);
        while (!pending.isEmpty()) {
            CharSequence next = pending.pop();
            if (next instanceof ConsString rope) {
                Parts split = rope.parts;
                if (split.right == null) {
                    next = split.left;
                } else if (split.left == split.right) {
                    next = split.left.toString();
                    pending.push(next);
                } else {
                    pending.push(split.left);
                    pending.push(split.right);
                    continue;
                }
            }
            end -= next.length();
            copy(next, out, end);
        }
        return new String(out);
    }

    private static void copy(CharSequence leaf, char[] out, int at) {
        if (leaf instanceof String string) {
            string.getChars(0, string.length(), out, at);
        } else {
            for (int i = 0; i < leaf.length(); i++) {
                out[at + i] = leaf.charAt(i);
            }
        }
    }

    /** Immutable, so a reader never sees a flattened left beside an unflattened right. */
    private record Parts(CharSequence left, CharSequence right) {
    }
}
