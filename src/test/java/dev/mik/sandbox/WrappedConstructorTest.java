package dev.mik.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openjdk.nashorn.api.scripting.NashornScriptEngineFactory;

import java.util.ArrayList;
import java.util.List;
import javax.script.ScriptEngine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every constructor of builtins.tsv (a global function with a prototype object, wrapped or not) answers {@code new}
 * and a plain call with 0 to 9 arguments exactly as the native does in a plain Nashorn engine: the same class, the
 * same prototype, the same string, or the same error. Differential and generated from the table, so a constructor
 * added to it is checked too.
 */
class WrappedConstructorTest {

    private static final int MOST_ARGUMENTS = 9;
    /** Two argument lists: numbers (Date's fields) and strings (a pattern and its flags, messages). */
    private static final List<String> ARGUMENT_LISTS = List.of("2020, 1, 2, 3, 4, 5, 6, 7, 8",
            "'a', 'g', 'c', 'd', 'e', 'f', 'h', 'i', 'j'");

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    /** Global functions of the table that are constructors natively (a wrapper of parseInt has a prototype). */
    private static List<String> constructors(ScriptEngine plain) throws Exception {
        List<String> names = new ArrayList<>();
        for (String name : BuiltinTable.rows().stream().map(BuiltinTable.Row::function)
                .filter(name -> name.matches("[A-Za-z]+")).toList()) {
            if (Boolean.TRUE.equals(plain.eval("typeof " + name + ".prototype === 'object'"))) {
                names.add(name);
            }
        }
        return names;
    }

    /** A function body that returns one description per (constructor, new or call, argument list, count). */
    private static String probe(List<String> constructors) {
        StringBuilder body = new StringBuilder("var constructors = [];\n");
        for (String name : constructors) {
            body.append("constructors.push(['").append(name).append("', ").append(name).append("]);\n");
        }
        body.append("var lists = [").append(String.join(", ", ARGUMENT_LISTS.stream().map(l -> "[" + l + "]")
                .toList())).append("];\n");
        body.append("function make(C, isNew, a) {\n  switch (a.length) {\n");
        for (int count = 0; count <= MOST_ARGUMENTS; count++) {
            StringBuilder args = new StringBuilder();
            for (int i = 0; i < count; i++) {
                args.append(i > 0 ? ", " : "").append("a[").append(i).append(']');
            }
            body.append("    case ").append(count).append(": return isNew ? new C(").append(args).append(") : C(")
                    .append(args).append(");\n");
        }
        body.append("""
              }
            }
            var out = [], toString = Object.prototype.toString;
            constructors.forEach(function (entry) {
              var name = entry[0], C = entry[1];
              lists.forEach(function (list) {
                for (var count = 0; count <= list.length; count++) {
                  [true, false].forEach(function (isNew) {
                    var label = name + (isNew ? ' new/' : ' call/') + count + ': ';
                    try {
                      var r = make(C, isNew, list.slice(0, count));
                      // the current time: only its class is fixed
                      var volatile = name === 'Date' && (!isNew || count === 0);
                      var proto = r !== null && typeof r === 'object' ? Object.getPrototypeOf(r) === C.prototype : '-';
                      out.push(label + toString.call(r) + ' ' + typeof r + ' proto ' + proto
                        + (volatile ? '' : ' ' + String(r)));
                    } catch (e) {
                      out.push(label + 'throws ' + e.name);
                    }
                  });
                }
              });
            });
            return out;
            """);
        return body.toString();
    }

    @Test
    void everyConstructorAnswersNewAndCallsLikeTheNative() throws Exception {
        ScriptEngine plain = new NashornScriptEngineFactory().getScriptEngine("--language=es6", "-strict");
        List<String> constructors = constructors(plain);
        assertTrue(constructors.containsAll(List.of("Date", "RegExp", "Array", "Map", "Set", "WeakMap", "WeakSet",
                "Error", "TypeError")), constructors.toString());
        String body = probe(constructors);
        String expected = (String) plain.eval("JSON.stringify((function () {\n" + body + "\n})())");
        String actual = fixture.runBody(body).json();
        assertTrue(expected.contains("Date new/7: [object Date]"), expected);
        assertTrue(expected.contains("Map new/0: [object Map]"), expected);
        assertEquals(expected.replace("\",\"", "\",\n\""), actual.replace("\",\"", "\",\n\""));
    }
}
