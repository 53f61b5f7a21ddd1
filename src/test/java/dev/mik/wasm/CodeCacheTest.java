package dev.mik.wasm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** hello.wasm with a custom section carrying {@code mark}: another digest, compiled classes of the same size. */
    private static CompiledModule variant(int mark) throws IOException {
        byte[] hello = Files.readAllBytes(Path.of("handlers/hello.wasm"));
        byte[] bytes = java.util.Arrays.copyOf(hello, hello.length + 6);
        byte[] section = {0, 4, 2, 'p', 'a', (byte) mark};
        System.arraycopy(section, 0, bytes, hello.length, section.length);
        return ModuleCompiler.parse(ModuleCompiler.sha256(bytes), bytes);
    }

    @Test
    void theDirectoryStaysWithinItsBoundLeastRecentlyUsedFirstOut() throws Exception {
        ModuleCompiler.compile(variant(1), new CodeCache(dir, 64L << 20));
        long one = Files.size(entries().get(0));
        long bound = 2 * one + one / 2; // two entries fit, three do not
        CodeCache small = new CodeCache(dir, bound);
        Thread.sleep(20);
        ModuleCompiler.compile(variant(2), small);
        Thread.sleep(20);
        ModuleCompiler.compile(variant(1), small); // used again: now the most recent
        assertTrue(small.takeHit(variant(1).module().digest()));
        Thread.sleep(20);
        ModuleCompiler.compile(variant(3), small);
        long total = 0;
        for (Path entry : entries()) {
            total += Files.size(entry);
        }
        assertTrue(total <= bound, "over the bound: " + total + " > " + bound);
        assertEquals(2, entries().size());
        CodeCache check = new CodeCache(dir, 64L << 20);
        ModuleCompiler.compile(variant(1), check);
        assertTrue(check.takeHit(variant(1).module().digest()), "the recently used one stayed");
        ModuleCompiler.compile(variant(3), check);
        assertTrue(check.takeHit(variant(3).module().digest()), "the newest one stayed");
        ModuleCompiler.compile(variant(2), check);
        assertFalse(check.takeHit(variant(2).module().digest()), "the least recently used one went");
    }
}
