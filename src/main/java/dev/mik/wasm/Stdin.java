package dev.mik.wasm;

import com.dylibso.chicory.runtime.Memory;

import java.io.InputStream;

/**
 * A run's stdin, the request body, with a WASI {@code fd_read} that copies it straight into the guest's memory.
 * Chicory's own {@code fd_read} allocates a buffer as long as each buffer the guest offers, per call, and WAGI
 * modules offer 64 KiB to read a body of a few bytes (twice per run: the read and the one that finds the end), so
 * a third of a small handler's run went to zeroing garbage (JFR). Chicory's other calls on stdin read this same
 * stream, so both see one position.
 */
final class Stdin extends InputStream {

    /** WASI's errno 0, success (Chicory's own enum of them is not public). */
    private static final long[] SUCCESS = {0};

    private final byte[] bytes;
    private int position;

    Stdin(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * {@code fd_read} on stdin: fills the guest's buffers ({@code iovecs} of 8 bytes each, address and length) in
     * order from what is left, and stores how many bytes it gave at {@code readAt}; 0 means the end. Only while
     * descriptor 0 is still stdin ({@link WasiRun#stdinMoved}); otherwise Chicory's {@code fd_read} answers.
     */
    long[] fdRead(Memory memory, int iovecs, int count, int readAt) {
        int total = 0;
        for (int i = 0; i < count; i++) {
            int buffer = memory.readInt(iovecs + i * 8);
            int length = memory.readInt(iovecs + i * 8 + 4);
            if (length < 0) {
                // Chicory's fd_read makes a buffer of each length the guest offers: a negative one ends the run so
                throw new NegativeArraySizeException(Integer.toString(length));
            }
            int given = Math.min(length, bytes.length - position);
            if (given > 0) {
                memory.write(buffer, bytes, position, given);
                position += given;
                total += given;
            }
            if (given < length) {
                break;
            }
        }
        memory.writeI32(readAt, total);
        return SUCCESS;
    }

    @Override
    public int read() {
        return position < bytes.length ? bytes[position++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        int given = Math.min(length, bytes.length - position);
        if (given <= 0) {
            return -1;
        }
        System.arraycopy(bytes, position, into, offset, given);
        position += given;
        return given;
    }

    @Override
    public int available() {
        return bytes.length - position;
    }
}
