package dev.mik.wasm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModuleCompilerTest {

    private static final byte[] HEADER = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    private static final byte[] TYPES = {0x01, 0x04, 0x01, 0x60, 0x00, 0x00};
    private static final byte[] FUNCTIONS = {0x03, 0x02, 0x01, 0x00};
    private static final byte[] EXPORT_START = {0x07, 0x0a, 0x01, 0x06, '_', 's', 't', 'a', 'r', 't', 0x00, 0x00};
    private static final byte[] CODE = {0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};

    /** A minimal command module: an empty {@code _start} and one funcref table with the given limits. */
    private static byte[] module(byte[] table, byte[] exports) {
        return concat(HEADER, TYPES, FUNCTIONS, table, exports, CODE);
    }

    @Test
    void moduleWithAFixedTableCompiles() {
        byte[] fixed = {0x04, 0x05, 0x01, 0x70, 0x01, 0x01, 0x01};
        CompiledModule compiled = ModuleCompiler.compile(module(fixed, EXPORT_START));
        assertEquals(64, compiled.sha256().length());
    }

    @Test
    void moduleWhoseTableCanGrowIsRefused() {
        byte[] growable = {0x04, 0x04, 0x01, 0x70, 0x00, 0x01};
        var refused = assertThrows(InvalidModuleException.class,
                () -> ModuleCompiler.compile(module(growable, EXPORT_START)));
        assertTrue(refused.getMessage().contains("can grow"), refused.getMessage());
    }

    @Test
    void moduleWithoutStartIsNotACommand() {
        byte[] fixed = {0x04, 0x05, 0x01, 0x70, 0x01, 0x01, 0x01};
        byte[] noExports = {0x07, 0x01, 0x00};
        var refused = assertThrows(InvalidModuleException.class,
                () -> ModuleCompiler.compile(module(fixed, noExports)));
        assertTrue(refused.getMessage().contains("_start"), refused.getMessage());
    }

    @Test
    void bytesThatAreNotWebAssemblyAreRefused() {
        assertThrows(InvalidModuleException.class, () -> ModuleCompiler.compile("not wasm".getBytes()));
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
