package dev.mik.wasm;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;

/**
 * A guest's output stream with a ceiling. Past the ceiling it either refuses the write, which stops the guest
 * ({@code failWhenFull}, for stdout: a response that is cut short is wrong), or silently drops the rest (for stderr,
 * which is only diagnostics).
 */
final class BoundedOutput extends OutputStream {

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private final long limit;
    private final boolean failWhenFull;
    private volatile boolean overflowed;

    BoundedOutput(long limit, boolean failWhenFull) {
        this.limit = limit;
        this.failWhenFull = failWhenFull;
    }

    @Override
    public void write(int b) {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        long room = limit - buffer.size();
        if (length > room) {
            overflowed = true;
            if (failWhenFull) {
                throw new OutputLimitException(limit);
            }
            buffer.write(bytes, offset, (int) Math.max(0, room));
            return;
        }
        buffer.write(bytes, offset, length);
    }

    boolean overflowed() {
        return overflowed;
    }

    byte[] bytes() {
        return buffer.toByteArray();
    }
}
