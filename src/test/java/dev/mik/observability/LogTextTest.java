package dev.mik.observability;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogTextTest {

    @Test
    void lineBreaksAndControlCharactersBecomeVisibleEscapes() {
        assertEquals("one\\ntwo\\r\\n[SEVERE] forged\\u001b[31m",
                LogText.escape("one\ntwo\r\n[SEVERE] forged\u001b[31m"));
    }

    @Test
    void ordinaryTextIsUnchanged() {
        assertEquals("queued order o-1 for ada@example.com\tok",
                LogText.escape("queued order o-1 for ada@example.com\tok"));
    }
}
