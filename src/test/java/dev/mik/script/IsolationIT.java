package dev.mik.script;

import dev.mik.sandbox.IsolationAttacks;
import dev.mik.sandbox.IsolationAttacks.Attack;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The red team's isolation findings on a real server: a request that writes into the internal state of a shared
 * built-in leaves nothing for the next request (or for concurrent ones), and the requests that reached Java
 * objects get a plain script answer with no Java in it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class IsolationIT extends ServerTest {

    private static final String NAME = "isolation-it";
    private static final String INPUT = "{\"s\":\"d\"}";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return MikDeployment.named(NAME).handler("echo")
                .config("mik.script.timeout-ms", 5000)
                .war();
    }

    static Stream<Attack> writers() {
        return IsolationAttacks.WRITERS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writers")
    void aRequestThatWritesSharedStateLeavesNothingForTheNextOne(Attack writer) throws Exception {
        String pristine = read();
        String name = "writer" + IsolationAttacks.WRITERS.indexOf(writer);
        write(name, writer.body());

        Http.Reply written = http.post("script/" + name, INPUT);

        assertFalse(written.status() >= 500, written::toString);
        assertEquals(pristine, read(), "after " + writer.name());
    }

    @Test
    void concurrentWritersLeaveNothingForConcurrentReaders() throws Exception {
        String pristine = read();
        for (int i = 0; i < IsolationAttacks.WRITERS.size(); i++) {
            write("writer" + i, IsolationAttacks.WRITERS.get(i).body());
        }
        int writers = IsolationAttacks.WRITERS.size();

        List<Http.Reply> replies = concurrently(8, 96, n -> n % 2 == 0
                ? http.post("script/writer" + (n / 2) % writers, INPUT) : http.post("script/reader", INPUT));

        for (int n = 1; n < replies.size(); n += 2) {
            assertEquals(200, replies.get(n).status(), replies.get(n)::toString);
            assertEquals(pristine, replies.get(n).body(), "reader " + n);
        }
    }

    static Stream<Attack> javaObjectAttacks() {
        return IsolationAttacks.JAVA_OBJECTS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("javaObjectAttacks")
    void aRequestThatReachedAJavaObjectGetsAPlainScriptAnswer(Attack attack) throws Exception {
        String pristine = read();
        String name = "java" + IsolationAttacks.JAVA_OBJECTS.indexOf(attack);
        write(name, attack.body());

        Http.Reply reply = http.post("script/" + name, INPUT);

        assertEquals(200, reply.status(), reply::toString);
        assertEquals(attack.expected(), reply.body());
        String lower = reply.body().toLowerCase(Locale.ROOT);
        for (String java : List.of("java.", "ecmaexception", "nashorn.internal", "dev.mik", "[b@")) {
            assertFalse(lower.contains(java), reply::toString);
        }
        assertEquals(pristine, read(), "the next request still sees pristine built-ins");
    }

    private String read() throws Exception {
        if (!Files.exists(MikDeployment.scriptsDirOf(NAME).resolve("reader.js"))) {
            write("reader", IsolationAttacks.READER);
        }
        Http.Reply reply = http.post("script/reader", INPUT);
        assertEquals(200, reply.status(), reply::toString);
        return reply.body();
    }

    private static void write(String name, String body) throws Exception {
        Path script = MikDeployment.scriptsDirOf(NAME).resolve(name + ".js");
        ScriptIT.write(script, "export default function (input) {\n" + body + "\n}\n");
    }
}
