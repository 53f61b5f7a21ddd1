package dev.mik.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compiled-code cache: a second compilation of a module loads what the first stored; an entry changed in any
 * byte, cut short or written by another engine is deleted and compiled again, never loaded; the directory stays
 * within its bound, least recently used first out.
 */
class CodeCacheTest {

    @TempDir
    Path dir;

    private static CompiledModule parsed(String file) throws IOException {
        byte[] bytes = Files.readAllBytes(Path.of(file));
        return ModuleCompiler.parse(ModuleCompiler.sha256(bytes), bytes);
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.toString().endsWith(".classes")).toList();
        }
    }

    @Test
    void aSecondCompilationLoadsWhatTheFirstStored() throws Exception {
        CodeCache cache = new CodeCache(dir, 64L << 20);
        CompiledModule hello = parsed("handlers/hello.wasm");
        ModuleCompiler.compile(hello, cache);
        assertFalse(cache.takeHit(hello.module().digest()), "the first compilation compiles");
        assertEquals(1, entries().size());

        CodeCache restarted = new CodeCache(dir, 64L << 20);
        CompiledModule again = ModuleCompiler.compile(parsed("handlers/hello.wasm"), restarted);
        assertTrue(restarted.takeHit(hello.module().digest()), "a restarted server loads it");
        assertTrue(again.compiled());
        assertEquals(0, restarted.rejected());
    }

    /** 40 seeded single-byte changes anywhere in the entry, and every truncation point sampled: all rejected. */
    @Test
    void aDamagedEntryIsDeletedAndCompiledAgainNeverLoaded() throws Exception {
        CompiledModule hello = parsed("handlers/hello.wasm");
        ModuleCompiler.compile(hello, new CodeCache(dir, 64L << 20));
        Path entry = entries().get(0);
        byte[] good = Files.readAllBytes(entry);
        Random random = new Random(10);
        for (int i = 0; i < 60; i++) {
            byte[] damaged;
            if (i < 40) {
                damaged = good.clone();
                damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
            } else {
                damaged = java.util.Arrays.copyOf(good, random.nextInt(good.length));
            }
            Files.write(entry, damaged);
            CodeCache cache = new CodeCache(dir, 64L << 20);
            CompiledModule compiled = ModuleCompiler.compile(parsed("handlers/hello.wasm"), cache);
            assertFalse(cache.takeHit(hello.module().digest()), "damage " + i + " was loaded");
            assertEquals(1, cache.rejected(), "damage " + i + " was not noticed");
            assertTrue(compiled.compiled());
        }
        CodeCache cache = new CodeCache(dir, 64L << 20);
        ModuleCompiler.compile(parsed("handlers/hello.wasm"), cache);
        assertTrue(cache.takeHit(hello.module().digest()), "the recompiled entry serves again");
    }

    @Test
    void anEntryOfAnotherEngineIsNotUsed() throws Exception {
        CompiledModule hello = parsed("handlers/hello.wasm");
        ModuleCompiler.compile(hello, new CodeCache(dir, 64L << 20, "compiler-0.1.jar java 17"));
        CodeCache current = new CodeCache(dir, 64L << 20);
        ModuleCompiler.compile(parsed("handlers/hello.wasm"), current);
        assertFalse(current.takeHit(hello.module().digest()), "another engine's classes are not this one's");
        assertEquals(2, entries().size(), "each engine has its own entry");
    }

    @Test
    void theDirectoryStaysWithinItsBoundLeastRecentlyUsedFirstOut(@TempDir Path sizing) throws Exception {
        List<String> modules = List.of("handlers/hello.wasm", "handlers/echo.wasm", "handlers/auth.wasm");
        long[] size = new long[modules.size()];
        for (int i = 0; i < size.length; i++) {
            Path one = sizing.resolve("m" + i);
            ModuleCompiler.compile(parsed(modules.get(i)), new CodeCache(one, 64L << 20));
            try (Stream<Path> files = Files.list(one)) {
                size[i] = Files.size(files.filter(file -> file.toString().endsWith(".classes")).findFirst()
                        .orElseThrow());
            }
        }
        long bound = size[0] + size[1] + size[2] - 1; // all three do not fit; any two do
        CodeCache small = new CodeCache(dir, bound);
        ModuleCompiler.compile(parsed(modules.get(0)), small);
        Thread.sleep(20);
        ModuleCompiler.compile(parsed(modules.get(1)), small);
        Thread.sleep(20);
        ModuleCompiler.compile(parsed(modules.get(0)), small); // used again: now the most recent
        assertTrue(small.takeHit(parsed(modules.get(0)).module().digest()));
        Thread.sleep(20);
        ModuleCompiler.compile(parsed(modules.get(2)), small);
        long total = 0;
        for (Path entry : entries()) {
            total += Files.size(entry);
        }
        assertTrue(total <= bound, "over the bound: " + total + " > " + bound);
        assertEquals(2, entries().size());
        CodeCache check = new CodeCache(dir, 64L << 20);
        ModuleCompiler.compile(parsed(modules.get(0)), check);
        assertTrue(check.takeHit(parsed(modules.get(0)).module().digest()), "the recently used one stayed");
        ModuleCompiler.compile(parsed(modules.get(2)), check);
        assertTrue(check.takeHit(parsed(modules.get(2)).module().digest()), "the newest one stayed");
        ModuleCompiler.compile(parsed(modules.get(1)), check);
        assertFalse(check.takeHit(parsed(modules.get(1)).module().digest()), "the least recently used one went");
    }
}
