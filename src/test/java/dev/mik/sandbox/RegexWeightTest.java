package dev.mik.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openjdk.nashorn.internal.runtime.ParserException;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RegexWeight} agrees with the weight a seeded generator of nested patterns knows by construction (groups of
 * every kind, alternations, classes and escapes holding the syntax characters, every quantifier form), and
 * {@link GuardedRegExp} refuses exactly the patterns over {@link GuardedRegExp#MAX_WEIGHT}.
 */
class RegexWeightTest {

    private static final long SEED = 20261130L;
    private static final long CAP = GuardedRegExp.MAX_WEIGHT;

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    /** A generated source and the weight it was built to have. */
    private record Generated(String source, long weight) {
    }

    /** Atoms of weight one, several holding characters the parser must not take as syntax. */
    private static final List<String> ATOMS = List.of("a", "^", "$", ".", "\\(", "\\)", "\\{", "\\}", "\\|",
            "\\[", "\\\\", "\\d", "\\b", "[(]", "[)|{]", "[\\]]", "[^a-z{}*]", "[]", "\\u0041", "\\x41", "\\1");
    private static final List<String> GROUP_OPENINGS = List.of("(", "(?:", "(?=", "(?!", "(?<=", "(?<!", "(?<n>");

    private static Generated sequence(Random random, int depth) {
        StringBuilder source = new StringBuilder();
        long weight = 0;
        for (int terms = 1 + random.nextInt(3); terms > 0; terms--) {
            Generated atom = depth > 0 && random.nextInt(3) == 0 ? group(random, depth - 1)
                    : new Generated(ATOMS.get(random.nextInt(ATOMS.size())), 1);
            source.append(atom.source());
            long factor = 1;
            switch (random.nextInt(8)) {
                case 0 -> source.append('*');
                case 1 -> source.append('+');
                case 2 -> source.append("??");
                case 3 -> {
                    int n = count(random);
                    source.append('{').append(n).append('}');
                    factor = n;
                }
                case 4 -> {
                    int n = count(random);
                    source.append('{').append(n).append(",}");
                    factor = n;
                }
                case 5 -> {
                    int n = count(random);
                    int m = n + count(random);
                    source.append('{').append(n).append(',').append(m).append(random.nextBoolean() ? "}" : "}?");
                    factor = m;
                }
                default -> {
                    // no quantifier
                }
            }
            weight = saturated(weight + saturated(atom.weight() * Math.max(1, factor)));
        }
        return new Generated(source.toString(), weight);
    }

    private static Generated group(Random random, int depth) {
        StringBuilder source = new StringBuilder(GROUP_OPENINGS.get(random.nextInt(GROUP_OPENINGS.size())));
        long weight = 0;
        for (int alternatives = 1 + random.nextInt(2); alternatives > 0; alternatives--) {
            Generated alternative = sequence(random, depth);
            source.append(alternative.source()).append(alternatives > 1 ? "|" : "");
            weight = saturated(weight + alternative.weight());
        }
        return new Generated(source.append(')').toString(), Math.max(1, weight));
    }

    /** Weights past the cap are all alike: held at cap + 1, so deep products cannot overflow. */
    private static long saturated(long weight) {
        return Math.min(CAP + 1, weight);
    }

    private static int count(Random random) {
        return random.nextInt(4) == 0 ? random.nextInt(100_000) : random.nextInt(12);
    }

    @Test
    void generatedNestedPatternsWeighWhatTheyWereBuiltToWeigh() {
        Random random = new Random(SEED);
        int over = 0;
        for (int n = 0; n < 20_000; n++) {
            Generated generated = sequence(random, 4);
            long expected = generated.weight();
            assertEquals(expected, RegexWeight.of(generated.source(), CAP), generated.source());
            over += expected > CAP ? 1 : 0;
        }
        assertTrue(over > 1_000 && over < 19_000, over + " of 20,000 generated patterns over the cap");
    }

    @Test
    void theRegExpFactoryRefusesExactlyThePatternsOverTheCap() {
        Random random = new Random(SEED + 1);
        for (int n = 0; n < 2_000; n++) {
            Generated generated = sequence(random, 3);
            String source = generated.source().replace("\\1", "a");   // no group to refer to in some patterns
            if (generated.weight() > CAP) {
                ParserException refused = assertThrows(ParserException.class, () -> GuardedRegExp.of(source, ""),
                        source);
                assertTrue(refused.getMessage().contains("at most " + CAP), refused.getMessage());
            } else {
                try {
                    GuardedRegExp.of(source, "");
                } catch (ParserException e) {
                    assertTrue(!e.getMessage().contains("at most " + CAP), source + ": " + e.getMessage());
                }
            }
        }
    }

    @Test
    void namedCases() {
        assertEquals(1_000_000_000L, RegexWeight.of("(?:(?:^){40000}){25000}", Long.MAX_VALUE / 4));
        assertEquals(CAP + 1, RegexWeight.of("(?:(?:$){40000}){25000}", CAP));
        assertEquals(CAP + 1, RegexWeight.of("(?:){999999999}", CAP));
        assertEquals(CAP + 1, RegexWeight.of("^{1000001}", CAP));
        assertEquals(1_000_000, RegexWeight.of("(?:^){1000000}", CAP));
        assertEquals(15, RegexWeight.of("(?:\\d{1,3}\\.){3}\\d{1,3}", CAP), "a dotted quad");
        assertEquals(5, RegexWeight.of("[{]{5}", CAP), "a quantified class holding a brace");
        assertEquals(12, RegexWeight.of("\\{1000000000}", CAP), "an escaped brace is a literal");
        assertEquals(5, RegexWeight.of("a{,5}", CAP), "{,5} is no quantifier: five literal characters");
        assertEquals(7, RegexWeight.of("[\\]{]{7}", CAP), "an escaped ] does not close the class");
        assertEquals(3, RegexWeight.of("(a|b|c)", CAP), "alternatives add up");
        assertEquals(1, RegexWeight.of("(?:)", CAP), "an empty group is one step");
        assertEquals(CAP + 1, RegexWeight.of("(?:(?:a{1000}){1000}){2}", CAP), "nested bounds multiply");
        assertEquals(CAP + 1, RegexWeight.of("((a{1001}){1000}", CAP), "an unclosed group still counts");
        assertEquals(4, RegexWeight.of("\\x41\\u0041\\cJ\\12", CAP), "a multi-character escape is one atom");
        assertEquals(2000, RegexWeight.of("\\x41{1000}\\12{1000}", CAP), "a quantifier repeats the whole escape");
    }

    @Test
    void theHeaviestAllowedZeroWidthPatternStopsAtTheDeadline() throws Exception {
        long start = System.nanoTime();
        ScriptAbortedException aborted = assertThrows(ScriptAbortedException.class, () -> fixture.runBody(
                "var s = 'a'.repeat(1000000); s.charAt(0); return /(?:(?:){999}){1000}x/.test(s);"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(AbortReason.TIMEOUT, aborted.getReason());
        assertTrue(millis <= SandboxFixture.LIMITS.timeoutMs() + 500, "ran " + millis + " ms");
    }

    @Test
    void scriptsSeeASyntaxError() throws Exception {
        assertEquals("\"SyntaxError\"", fixture.runBody(
                "try { new RegExp('(?:(?:^){40000}){25000}'); return 'compiled'; } catch (e) { return e.name; }")
                .json());
    }
}
