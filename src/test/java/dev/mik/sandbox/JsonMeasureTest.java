package dev.mik.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openjdk.nashorn.api.scripting.NashornScriptEngineFactory;

import java.util.Random;
import javax.script.ScriptEngine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java measures behind the JSON caps agree with what they measure: {@link LinearText#jsonQuotedLength} with
 * the length of Nashorn's own {@code JSON.stringify} of a string, {@link JsonMembers#widest} with the widest
 * object a seeded generator built; and the sandbox's {@code JSON.parse} and collection constructors keep to them.
 */
class JsonMeasureTest {

    private static final long SEED = 20261130L;
    private static final int MAX_MEMBERS = ScriptSandbox.MAX_OBJECT_MEMBERS;

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    private static final ScriptEngine PLAIN = new NashornScriptEngineFactory().getScriptEngine("--language=es6");

    private static long nativeQuotedLength(String s) throws Exception {
        PLAIN.put("s", s);
        return ((Number) PLAIN.eval("JSON.stringify(s).length")).longValue();
    }

    @Test
    void everyCharacterIsCountedAsTheNativeWritesIt() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            assertEquals(nativeQuotedLength(String.valueOf(c)), LinearText.jsonQuotedLength(String.valueOf(c)),
                    () -> "character " + Integer.toHexString(all.length()));
            all.append(c);
        }
        assertEquals(nativeQuotedLength(all.toString()), LinearText.jsonQuotedLength(all.toString()));
    }

    @Test
    void generatedStringsAreCountedAsTheNativeWritesThem() throws Exception {
        Random random = new Random(SEED);
        String alphabet = "a\"\\\u0000\u0001\u001f\b\f\n\r\t \u007f\u2028\ud800\udc00\u00e9/";
        for (int n = 0; n < 2_000; n++) {
            StringBuilder s = new StringBuilder();
            for (int i = random.nextInt(40); i > 0; i--) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertEquals(nativeQuotedLength(s.toString()), LinearText.jsonQuotedLength(s.toString()), s::toString);
        }
    }

    /** A generated JSON text and the member count of its widest object. */
    private record Document(String text, int widest) {
    }

    /** Keys and strings hold the characters the scan must not take as structure. */
    private static final String[] STRINGS = {"\"a\"", "\"{\"", "\"}:\"", "\"[:]\"", "\"\\\"{\"", "\"\\\\\"",
        "\"a:b,c\"", "\"\\u003a\""};

    private static Document value(Random random, int depth) {
        int kind = depth == 0 ? random.nextInt(3) : random.nextInt(5);
        switch (kind) {
            case 0: return new Document(STRINGS[random.nextInt(STRINGS.length)], 0);
            case 1: return new Document(Integer.toString(random.nextInt(1000)), 0);
            case 2: return new Document(random.nextBoolean() ? "true" : "null", 0);
            case 3: {
                StringBuilder text = new StringBuilder("[");
                int widest = 0;
                for (int i = random.nextInt(4); i > 0; i--) {
                    Document element = value(random, depth - 1);
                    text.append(text.length() > 1 ? "," : "").append(element.text());
                    widest = Math.max(widest, element.widest());
                }
                return new Document(text.append(']').toString(), widest);
            }
            default: {
                StringBuilder text = new StringBuilder("{");
                int members = random.nextInt(8) == 0 ? random.nextInt(3 * MAX_MEMBERS / 2) : random.nextInt(5);
                int widest = members;
                for (int i = 0; i < members; i++) {
                    Document member = value(random, i < 4 ? depth - 1 : 0);
                    text.append(i > 0 ? ", " : "").append(STRINGS[random.nextInt(STRINGS.length)]).append(" : ")
                            .append(member.text());
                    widest = Math.max(widest, member.widest());
                }
                return new Document(text.append('}').toString(), widest);
            }
        }
    }

    @Test
    void generatedDocumentsMeasureTheirWidestObject() throws Exception {
        Random random = new Random(SEED);
        int over = 0;
        for (int n = 0; n < 400; n++) {
            Document document = value(random, 4);
            int measured = JsonShape.widest(document.text(), MAX_MEMBERS);
            if (document.widest() > MAX_MEMBERS) {
                over++;
                assertTrue(measured > MAX_MEMBERS, document.widest() + " members measured as " + measured);
            } else {
                assertEquals(document.widest(), measured);
            }
            PLAIN.put("t", document.text());
            assertEquals(Boolean.TRUE, PLAIN.eval("typeof JSON.parse(t) !== 'undefined'"), "the document is JSON");
        }
        assertTrue(over > 0 && over < 400, over + " documents over the cap");
    }

    @Test
    void aScriptParsesObjectsUpToTheCapAndNoWider() throws Exception {
        String widest = "var o = {}; for (var i = 0; i < $N; i++) { o['k' + i] = i; } var t = JSON.stringify(o);\n";
        assertEquals(Integer.toString(MAX_MEMBERS), fixture.runBody(widest.replace("$N", "" + MAX_MEMBERS)
                + "return Object.keys(JSON.parse('[' + t + ',' + t + ']')[1]).length;").json());
        assertEquals("\"SyntaxError\"", fixture.runBody(widest.replace("$N", "" + (MAX_MEMBERS + 1))
                + "try { JSON.parse(t); return 'parsed'; } catch (e) { return e.name; }").json());
    }

    @Test
    void anInputWiderThanTheCapIsRejectedAsInput() {
        StringBuilder wide = new StringBuilder("{");
        for (int i = 0; i <= MAX_MEMBERS; i++) {
            wide.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":0");
        }
        Exception rejected = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> fixture.run("export default function (input) { return 1; }", wide.append('}').toString()));
        assertTrue(rejected.getMessage().contains("more than " + MAX_MEMBERS + " members"), rejected.getMessage());
    }

    @Test
    void collectionsFromScriptIteratorsMatchTheirNativeResultAndStopWhenEndless() throws Exception {
        String finite = "function it(items) { var i = 0; return { [Symbol.iterator]: function () {"
                + " return { next: function () { return i < items.length ? { value: items[i++], done: false }"
                + " : { done: true }; } }; } }; }\n"
                + "var m = new Map(it([[1, 'a'], [2, 'b'], [1, 'c']])), s = new Set(it([1, 2, 2, 'x']));\n"
                + "var k = {}, wm = new WeakMap(it([[k, 1]])), ws = new WeakSet(it([k]));\n"
                + "return [m.size, m.get(1), s.size, s.has('x'), wm.get(k), ws.has(k), new Set('abca').size,"
                + " new Map().size, new Set(null).size];";
        assertEquals("[2,\"c\",3,true,1,true,3,0,0]", fixture.runBody(finite).json());
        assertEquals("\"TypeError\"", fixture.runBody(
                "try { new Map(it()); } catch (e) { return e.name; } function it() { return { [Symbol.iterator]:"
                + " function () { var n = 0; return { next: function () { return { value: 1, done: n++ > 0 }; } };"
                + " } }; }").json(), "a Map entry that is no object");
        // an endless iterator whose next is a built-in: the array cap, the budget or the deadline ends it
        for (String next : new String[] {"Object", "Object.bind(null, { value: [1, 2] })"}) {
            long start = System.nanoTime();
            String outcome;
            try {
                outcome = fixture.runBody("try { new Map({ [Symbol.iterator]: function () { return { next: " + next
                        + " }; } }); return 'built'; } catch (e) { return e.name; }").json();
            } catch (ScriptAbortedException e) {
                outcome = e.getReason().name();
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(java.util.Set.of("\"RangeError\"", "\"TypeError\"", "ALLOCATION", "TIMEOUT").contains(outcome),
                    outcome);
            assertTrue(millis <= SandboxFixture.LIMITS.timeoutMs() + 500, "ran " + millis + " ms");
        }
    }
}
