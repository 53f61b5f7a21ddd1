package dev.mik.script;

import dev.mik.testing.Http;
import dev.mik.testing.MikDeployment;
import dev.mik.testing.ServerTest;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile scripts on a real server. Each attempt would return a string starting with {@code ESCAPED} only if it
 * reached Java, the engine, the file system, the JVM or another request; every one must fail, and after each the
 * server must still run a normal script correctly.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SandboxIT extends ServerTest {

    private static final String NAME = "sandbox-it";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return MikDeployment.named(NAME).handler("echo")
                .config("mik.script.timeout-ms", 2000)
                .testScript("status")
                .war();
    }

    static List<String> attempts() {
        return List.of(
                "return 'ESCAPED' + Java.type('java.lang.System').getProperty('user.home');",
                "return 'ESCAPED' + Packages.java.lang.System.getProperty('user.home');",
                "return 'ESCAPED' + java.lang.System.getProperty('user.home');",
                "return 'ESCAPED' + engine.eval('java.lang.System.getProperty(\"user.home\")');",
                "return 'ESCAPED' + this.engine.eval('1');",
                "return 'ESCAPED' + context.getAttribute('x');",
                "return 'ESCAPED' + __noSuchProperty__('engine');",
                "return 'ESCAPED' + load('file:///etc/hostname');",
                "return 'ESCAPED' + loadWithNewGlobal({script: 'java.lang.System.exit(1)', name: 'x'});",
                "quit(); return 'ESCAPED';",
                "exit(7); return 'ESCAPED';",
                "return 'ESCAPED' + $ENV.HOME;",
                "return 'ESCAPED' + $EXEC('id');",
                "return 'ESCAPED' + readFully('/etc/passwd');",
                "return 'ESCAPED' + Function('return this')().engine;",
                "return 'ESCAPED' + (function(){}).constructor('return typeof Java')();",
                "return 'ESCAPED' + (() => 0).constructor('return this')().Java;",
                "return 'ESCAPED' + [].constructor.constructor('return quit')();",
                "return 'ESCAPED' + ''.constructor.constructor('return load')()('file:///etc/hostname');",
                "var g = Object.getPrototypeOf(Object.getPrototypeOf(host)); return 'ESCAPED' + g.engine;",
                "return 'ESCAPED' + Java.extend(Java.type('java.lang.Runnable'));",
                "return 'ESCAPED' + new JavaImporter(java.io).File;",
                "return 'ESCAPED' + host.call.constructor('return engine')();",
                "return 'ESCAPED' + host.getClass().getClassLoader();",
                "return 'ESCAPED' + console.log.constructor('return java')();",
                "return 'ESCAPED' + request.constructor.constructor('return Packages')();",
                "host.call = function () { return 'ESCAPED'; }; return host.call('echo', {});",
                "console.log = null; return 'ESCAPED' + console.log();",
                "return 'ESCAPED' + 'x'.getClass().forName('java.lang.Runtime');",
                "return 'ESCAPED' + 'x'.getClass().getClassLoader();",
                "return 'ESCAPED' + 'x'.repeat(1e9).length;",
                "return 'ESCAPED' + eval('Java');",
                "var __g = 1; return 'ESCAPED' + __g;",
                "return 'ESCAPED' + arguments.callee.caller;",
                "try { undefined.x; } catch (e) { return 'ESCAPED' + e.getClass().getClassLoader(); }",
                "function r() { r(); } try { r(); } catch (e) {"
                        + " return 'ESCAPED' + e.getClass().forName('java.lang.System'); }",
                "return 'ESCAPED' + this.Java;",
                "return 'ESCAPED' + globalThis.Java;",
                "Object.defineProperty(Object.prototype, 'engine', {get: function(){return 1}});"
                        + " return 'ESCAPED' + ({}).engine.eval('1');",
                "return 'ESCAPED' + new (Java.type('java.io.File'))('/').list();",
                "with (host) { return 'ESCAPED' + call; }",
                "return 'ESCAPED' + Object.getOwnPropertyNames(host).filter(function(n){return n !== 'call';})[0].x;",
                "return 'ESCAPED' + Reflect.construct(Function, ['return Java'])();",
                "return 'ESCAPED' + new Proxy({}, {get: function(){ return Java; }}).x.type('java.lang.System');",
                "return 'ESCAPED' + Symbol.constructor('return Packages')();",
                "return 'ESCAPED' + JSON.constructor.constructor('return this')().engine;",
                "return 'ESCAPED' + Object.getOwnPropertyDescriptor(Object.getPrototypeOf(function*(){}),"
                        + " 'constructor').value('return this')();"
        );
    }

    @ParameterizedTest
    @MethodSource("attempts")
    void escapeAttemptFailsAndTheServerKeepsWorking(String attempt) throws Exception {
        String name = "escape" + SEQUENCE.incrementAndGet();
        ScriptIT.write(MikDeployment.scriptsDirOf(NAME).resolve(name + ".js"),
                "export default function (input) {\n" + attempt + "\n}\n");
        Http.Reply reply = http.post("script/" + name, "");
        assertFalse(reply.body().contains("ESCAPED"), () -> "escaped: " + reply);
        assertTrue(reply.status() >= 400, reply::toString);
        stillHealthy();
    }

    @Test
    void prototypePollutionDoesNotLeakIntoTheNextRequest() throws Exception {
        Path dir = MikDeployment.scriptsDirOf(NAME);
        ScriptIT.write(dir.resolve("polluter.js"), "export default function (input) {\n"
                + "try { Object.prototype.polluted = 'yes'; } catch (e) {}\n"
                + "try { Array.prototype.push = function () { return 'hijacked'; }; } catch (e) {}\n"
                + "try { JSON.stringify = function () { return '\"hijacked\"'; }; } catch (e) {}\n"
                + "return { done: true };\n}\n");
        ScriptIT.write(dir.resolve("victim.js"), "export default function (input) {\n"
                + "var a = []; a.push(1);\n"
                + "return { polluted: ({}).polluted === undefined ? 'no' : 'yes', length: a.length };\n}\n");
        http.post("script/polluter", "");
        Http.Reply reply = http.post("script/victim", "");
        assertEquals(200, reply.status(), reply::toString);
        assertEquals("no", reply.json().getString("polluted"));
        assertEquals(1, reply.json().getInt("length"));
    }

    private void stillHealthy() {
        Http.Reply reply = http.post("script/status", "{\"status\":201}");
        assertEquals(201, reply.status(), () -> "normal script after the attempt: " + reply);
        assertEquals(200, http.post("run/echo", "ok").status());
    }
}
