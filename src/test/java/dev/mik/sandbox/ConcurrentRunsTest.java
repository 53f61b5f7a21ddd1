package dev.mik.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConcurrentRunsTest {

    private static final int THREADS = 8;
    private static final int RUNS_PER_THREAD = 50;

    @RegisterExtension
    private static final SandboxFixture fixture = new SandboxFixture();

    @Test
    void concurrentRunsOfOneScriptSeeNoStateOfEachOther() throws Exception {
        CompiledScript script = fixture.compile("""
                var counter = 0;
                var seen = [];
                export default function (input) {
                  counter++;
                  var leaked;
                  try { shared = input.id; leaked = 'assigned'; } catch (e) {
                    leaked = e instanceof TypeError || e instanceof ReferenceError ? 'refused' : e.name;
                  }
                  for (var i = 0; i < 2000; i++) { seen.push(input.id); }
                  var mine = seen.every(function (id) { return id === input.id; });
                  return { id: input.id, counter: counter, seen: seen.length, mine: mine, leaked: leaked };
                }
                """);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<List<String>>> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                threads.add(pool.submit(() -> {
                    List<String> mismatches = new ArrayList<>();
                    for (int run = 0; run < RUNS_PER_THREAD; run++) {
                        String id = thread + "-" + run;
                        String json = fixture.run(script, "{\"id\":\"" + id + "\"}", SandboxFixture.LIMITS).json();
                        String expected = "{\"id\":\"" + id + "\",\"counter\":1,\"seen\":2000,\"mine\":true,"
                                + "\"leaked\":\"refused\"}";
                        if (!expected.equals(json)) {
                            mismatches.add(json);
                        }
                    }
                    return mismatches;
                }));
            }
            for (Future<List<String>> thread : threads) {
                assertEquals(List.of(), thread.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
