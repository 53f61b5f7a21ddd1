package dev.mik.wasm;

import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Function;

/**
 * A guest's (unshared) linear memory, kept as 4 KiB blocks taken from a {@link PageCache} and handed back to it when
 * the instance is done ({@link #recycle}); WebAssembly's 64 KiB pages are only its unit of size. A guest that grows to
 * tens of megabytes and stops would otherwise leave
 * that many megabytes of garbage behind, which the collector has to copy while the guest runs and reclaim after it
 * stopped; recycled pages stay where they are and are used again by the next run. Every block is zeroed when it is
 * taken, so a run sees only its own module's data segments and zeros. A block is taken when the run first touches it:
 * a Rust module declares 17 pages and a short run touches a few, and zeroing the rest was a fifteenth of a warm
 * checkout's CPU (JFR); a C handler's run touches a few kilobytes of its stack and heap pages, and zeroing whole
 * 64 KiB pages for them was a twentieth of a warm {@code /run/hello}'s. The memory's size, and what it reserves from
 * the pool, count every page all the same.
 *
 * <p>Used by one thread at a time (the run's); slots at and above {@link #pages()} are always empty, so an access
 * there fails like any out-of-bounds access. Multi-byte values are little-endian, as WebAssembly defines them.
 */
final class PagedMemory implements Memory {

    /** Bytes of a block: the unit taken, zeroed and recycled. */
    static final int BLOCK_BYTES = 4096;
    private static final int BLOCK = BLOCK_BYTES;
    private static final int WASM_PAGE = InstanceFootprint.PAGE_BYTES;
    private static final int BLOCKS_PER_PAGE = WASM_PAGE / BLOCK;
    private static final int SHIFT = Integer.numberOfTrailingZeros(BLOCK);
    private static final int MASK = BLOCK - 1;
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLE =
            MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

    private final PageCache cache;
    private final int initialPages;
    private final int maximumPages;
    /** What growth is held to besides {@link #maximumPages}; null: nothing else. */
    private final GrowthLimit limit;
    /** The blocks, taken or not ({@code null}); as many slots as {@link #blocks}, grown with the memory. */
    private byte[][] pages;
    private int size;
    private int blocks;
    private DataSegment[] segments;

    /**
     * A memory whose growth is held only to {@code maximumPages}.
     *
     * @param maximumPages the most pages this memory may grow to
     */
    PagedMemory(int initialPages, int maximumPages, PageCache cache) {
        this(initialPages, maximumPages, cache, null);
    }

    /**
     * @param maximumPages the most pages this memory may grow to: the module's maximum lowered to the instance's cap
     * @param limit        what every grow must also pass (held here rather than by a wrapper, see {@link CappedMemory})
     */
    PagedMemory(int initialPages, int maximumPages, PageCache cache, GrowthLimit limit) {
        if (initialPages < 0 || maximumPages < initialPages || maximumPages > RUNTIME_MAX_PAGES) {
            throw new IllegalArgumentException("a memory of " + initialPages + " pages growing to " + maximumPages);
        }
        this.cache = cache;
        this.limit = limit;
        this.initialPages = initialPages;
        this.maximumPages = maximumPages;
        this.size = initialPages;
        this.blocks = initialPages * BLOCKS_PER_PAGE;
        this.pages = new byte[blocks][];
    }

    /** Gives every page back to the cache; the memory is empty afterwards and any access to it fails. */
    void recycle() {
        int held = blocks;
        size = 0;
        blocks = 0;
        cache.give(pages, held);
        Arrays.fill(pages, 0, held, null);
    }

    /** Blocks taken so far: the ones the run has touched. */
    int blocksTaken() {
        int taken = 0;
        for (int i = 0; i < blocks; i++) {
            if (pages[i] != null) {
                taken++;
            }
        }
        return taken;
    }

    @Override
    public int pages() {
        return size;
    }

    @Override
    public int grow(int more) {
        return limit == null ? growPages(more) : limit.grow(this, more, this::growPages);
    }

    private int growPages(int more) {
        int before = size;
        if (more < 0 || more > maximumPages - before) {
            return -1;
        }
        size = before + more;
        blocks = size * BLOCKS_PER_PAGE;
        if (blocks > pages.length) {
            pages = Arrays.copyOf(pages, blocks);
        }
        return before;
    }

    @Override
    public int initialPages() {
        return initialPages;
    }

    @Override
    public int maximumPages() {
        return maximumPages;
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    @SuppressWarnings("removal")
    public Object lock(int address) {
        return new Object(); // nothing else can see an unshared memory
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int address, int expected, long timeout) {
        throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int address, long expected, long timeout) {
        throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
    }

    @Override
    @SuppressWarnings("removal")
    public int notify(int address, int maxThreads) {
        return 0;
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments) {
        initialize(instance, dataSegments, 0);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments, int memoryIndex) {
        this.segments = dataSegments;
        if (dataSegments == null) {
            return;
        }
        for (DataSegment segment : dataSegments) {
            if (segment instanceof ActiveDataSegment active) {
                if (active.index() == memoryIndex) {
                    int at = (int) ConstantEvaluators.computeConstantValue(instance, active.offsetInstructions())[0];
                    checkRange(at, active.data().length, bytes(), UninstantiableException::new);
                    write(at, active.data(), 0, active.data().length);
                }
            } else if (!(segment instanceof PassiveDataSegment)) {
                throw new ChicoryException("Data segment should be active or passive: " + segment);
            }
        }
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
        write(dest, segments[segmentId].data(), offset, size);
    }

    @Override
    public void drop(int segment) {
        segments[segment] = PassiveDataSegment.EMPTY;
    }

    @Override
    public void write(int addr, byte[] data, int offset, int length) {
        checkRange(offset, length, data.length, WasmRuntimeException::new);
        checkRange(addr, length, bytes(), WasmRuntimeException::new);
        while (length > 0) {
            int within = addr & MASK;
            int chunk = Math.min(length, BLOCK - within);
            System.arraycopy(data, offset, page(addr, 1), within, chunk);
            addr += chunk;
            offset += chunk;
            length -= chunk;
        }
    }

    @Override
    public byte[] readBytes(int addr, int length) {
        checkRange(addr, length, bytes(), WasmRuntimeException::new);
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            int within = (addr + done) & MASK;
            int chunk = Math.min(length - done, BLOCK - within);
            System.arraycopy(page(addr + done, 1), within, out, done, chunk);
            done += chunk;
        }
        return out;
    }

    @Override
    public byte read(int addr) {
        return page(addr, 1)[addr & MASK];
    }

    @Override
    public void writeByte(int addr, byte data) {
        page(addr, 1)[addr & MASK] = data;
    }

    @Override
    public short readShort(int addr) {
        if ((addr & MASK) <= BLOCK - 2) {
            return (short) SHORT.get(page(addr, 2), addr & MASK);
        }
        return (short) straddling(addr, 2);
    }

    @Override
    public void writeShort(int addr, short data) {
        if ((addr & MASK) <= BLOCK - 2) {
            SHORT.set(page(addr, 2), addr & MASK, data);
        } else {
            straddle(addr, 2, data);
        }
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xFFFFL;
    }

    @Override
    public int readInt(int addr) {
        if ((addr & MASK) <= BLOCK - 4) {
            return (int) INT.get(page(addr, 4), addr & MASK);
        }
        return (int) straddling(addr, 4);
    }

    @Override
    public void writeI32(int addr, int data) {
        if ((addr & MASK) <= BLOCK - 4) {
            INT.set(page(addr, 4), addr & MASK, data);
        } else {
            straddle(addr, 4, data);
        }
    }

    @Override
    public long readLong(int addr) {
        if ((addr & MASK) <= BLOCK - 8) {
            return (long) LONG.get(page(addr, 8), addr & MASK);
        }
        return straddling(addr, 8);
    }

    @Override
    public void writeLong(int addr, long data) {
        if ((addr & MASK) <= BLOCK - 8) {
            LONG.set(page(addr, 8), addr & MASK, data);
        } else {
            straddle(addr, 8, data);
        }
    }

    @Override
    public float readFloat(int addr) {
        if ((addr & MASK) <= BLOCK - 4) {
            return (float) FLOAT.get(page(addr, 4), addr & MASK);
        }
        return Float.intBitsToFloat((int) straddling(addr, 4));
    }

    @Override
    public long readF32(int addr) {
        return readInt(addr);
    }

    @Override
    public void writeF32(int addr, float data) {
        if ((addr & MASK) <= BLOCK - 4) {
            FLOAT.set(page(addr, 4), addr & MASK, data);
        } else {
            straddle(addr, 4, Float.floatToRawIntBits(data));
        }
    }

    @Override
    public double readDouble(int addr) {
        if ((addr & MASK) <= BLOCK - 8) {
            return (double) DOUBLE.get(page(addr, 8), addr & MASK);
        }
        return Double.longBitsToDouble(straddling(addr, 8));
    }

    @Override
    public long readF64(int addr) {
        return readLong(addr);
    }

    @Override
    public void writeF64(int addr, double data) {
        if ((addr & MASK) <= BLOCK - 8) {
            DOUBLE.set(page(addr, 8), addr & MASK, data);
        } else {
            straddle(addr, 8, Double.doubleToRawLongBits(data));
        }
    }

    @Override
    public void zero() {
        fill((byte) 0, 0, bytes());
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        int addr = fromIndex;
        int left = toIndex - fromIndex;
        checkRange(addr, left, bytes(), WasmRuntimeException::new);
        while (left > 0) {
            int within = addr & MASK;
            int chunk = Math.min(left, BLOCK - within);
            if (value != 0 || pages[addr >>> SHIFT] != null) { // a page not taken yet is zeros already
                Arrays.fill(page(addr, 1), within, within + chunk, value);
            }
            addr += chunk;
            left -= chunk;
        }
    }

    @Override
    public void copy(int dest, int src, int length) {
        checkRange(dest, length, bytes(), WasmRuntimeException::new);
        checkRange(src, length, bytes(), WasmRuntimeException::new);
        if (dest > src && dest < src + length) {
            // overlapping with the target after the source: copy from the end, or the source is overwritten first
            int end = length;
            while (end > 0) {
                int chunk = Math.min(end, Math.min(inBlockBefore(dest + end), inBlockBefore(src + end)));
                end -= chunk;
                System.arraycopy(page(src + end, 1), (src + end) & MASK, page(dest + end, 1), (dest + end) & MASK,
                        chunk);
            }
        } else {
            int done = 0;
            while (done < length) {
                int chunk = Math.min(length - done,
                        BLOCK - Math.max((dest + done) & MASK, (src + done) & MASK));
                System.arraycopy(page(src + done, 1), (src + done) & MASK, page(dest + done, 1),
                        (dest + done) & MASK, chunk);
                done += chunk;
            }
        }
    }

    /** Bytes of the block that ends at {@code end} (exclusive) lying before it: 1 to a whole block. */
    private static int inBlockBefore(int end) {
        int within = end & MASK;
        return within == 0 ? BLOCK : within;
    }

    private int bytes() {
        return size * WASM_PAGE;
    }

    /** The page holding {@code width} bytes at {@code addr}, which lie within one page; taken on first touch. */
    private byte[] page(int addr, int width) {
        int index = addr >>> SHIFT;
        if (index >= blocks) {
            throw outOfBounds(addr, width);
        }
        byte[] page = pages[index];
        return page != null ? page : take(index);
    }

    private byte[] take(int index) {
        byte[] page = cache.take();
        pages[index] = page;
        return page;
    }

    /** A little-endian value of {@code width} bytes that crosses a page boundary. */
    private long straddling(int addr, int width) {
        checkRange(addr, width, bytes(), WasmRuntimeException::new);
        long value = 0;
        for (int i = width - 1; i >= 0; i--) {
            int at = addr + i;
            value = value << 8 | page(at, 1)[at & MASK] & 0xFF;
        }
        return value;
    }

    /** Writes a value across a page boundary; checked first, so a store out of bounds changes nothing. */
    private void straddle(int addr, int width, long value) {
        checkRange(addr, width, bytes(), WasmRuntimeException::new);
        for (int i = 0; i < width; i++) {
            int at = addr + i;
            page(at, 1)[at & MASK] = (byte) (value >>> 8 * i);
        }
    }

    private static void checkRange(int addr, int length, int limit, Function<String, ChicoryException> failure) {
        if (addr < 0 || length < 0 || (long) addr + length > limit) {
            throw failure.apply(message(addr, length, limit));
        }
    }

    private WasmRuntimeException outOfBounds(int addr, int width) {
        return new WasmRuntimeException(message(addr, width, bytes()));
    }

    private static String message(int addr, int length, int limit) {
        return "out of bounds memory access: attempted to access address: " + addr + " but limit is: " + limit
                + " and size: " + length;
    }
}
