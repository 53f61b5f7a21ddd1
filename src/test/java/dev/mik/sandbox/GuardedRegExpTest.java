package dev.mik.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openjdk.nashorn.internal.runtime.regexp.RegExpFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JavaScript regular expressions keep their meaning on the guarded java.util.regex engine. */
class GuardedRegExpTest {

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    @Test
    void nashornCompilesRegularExpressionsThroughTheGuardedFactory() {
        assertInstanceOf(GuardedRegExp.class, RegExpFactory.create("a+", "gi"));
        assertTrue(RegExpFactory.usesJavaUtilRegex());
    }

    @Test
    void replaceWithGroupReferences() throws Exception {
        assertEquals("\"[x]-[y]\"", fixture.runBody("return 'x-y'.replace(/(\\w)/g, '[$1]');").json());
        assertEquals("\"b-a\"", fixture.runBody("return 'a-b'.replace(/(a)-(b)/, '$2-$1');").json());
    }

    @Test
    void globalMatchAndSplit() throws Exception {
        assertEquals("[[\"1\",\"22\",\"333\"],[\"a\",\"b\",\"c\"],null]",
                fixture.runBody("return ['1 22 333'.match(/\\d+/g), 'a, b,c'.split(/\\s*,\\s*/), 'x'.match(/y/g)];")
                        .json());
    }

    @Test
    void execAdvancesLastIndex() throws Exception {
        assertEquals("[\"ab\",2,\"ab\",5,null,0]", fixture.runBody("""
                var r = /ab/g, s = 'ab ab';
                var first = r.exec(s), i1 = r.lastIndex, second = r.exec(s), i2 = r.lastIndex, third = r.exec(s);
                return [first[0], i1, second[0], i2, third, r.lastIndex];
                """).json());
    }

    @Test
    void lookaheadIgnoreCaseMultilineAndBackreferences() throws Exception {
        assertEquals("[true,false,true,true,[\"b\",\"d\"],true]", fixture.runBody("""
                return [/a(?=b)/.test('ab'), /a(?!b)/.test('ab'), /HELLO/i.test('hello'), /(\\w)\\1/.test('xx'),
                        'a\\nb\\nc\\nd'.match(/^[bd]$/gm), /^$/.test('')];
                """).json());
    }

    @Test
    void unmatchedGroupsAreUndefinedAndClassesWork() throws Exception {
        assertEquals("[true,\"a\",true,\"ü\"]", fixture.runBody("""
                var m = /(a)|(b)/.exec('a');
                return [m[2] === undefined, m[1], /[^]/.test('\\n'), 'Ü'.replace(/ü/i, 'ü')];
                """).json());
    }

    @Test
    void regexConstructorWorksAndRejectsBadPatterns() throws Exception {
        assertEquals("[true,true,\"SyntaxError\"]", fixture.runBody("""
                var r = new RegExp('a+', 'g');
                var error; try { new RegExp('('); } catch (e) { error = e.name; }
                return [r instanceof RegExp, r.global, error];
                """).json());
    }

    @Test
    void stickyFlagIsNotSupported() {
        assertThrows(ScriptCompileException.class,
                () -> fixture.compile("export default function (i) { return /a/y; }"));
    }
}
