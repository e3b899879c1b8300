package io.pglite.build;

import java.nio.charset.StandardCharsets;

/**
 * A cursor over WebAssembly binary up to an end: LEB128 integers, bytes and names ({@link Leb}
 * writes them). Reading past the end throws {@link IllegalArgumentException} naming what was cut.
 */
class WasmReader {
    final byte[] bytes;
    int position;
    final int end;
    private final String what;

    WasmReader(byte[] bytes, int position) {
        this(bytes, position, bytes.length, "module");
    }

    /** @param what what the bytes are, for the message when they end too early ("function body") */
    WasmReader(byte[] bytes, int position, int end, String what) {
        this.bytes = bytes;
        this.position = position;
        this.end = end;
        this.what = what;
    }

    final int u8() {
        if (position >= end) {
            throw truncated();
        }
        return bytes[position++] & 0xff;
    }

    final IllegalArgumentException truncated() {
        return new IllegalArgumentException(what + " truncated at byte " + position);
    }

    /** An unsigned LEB128 value of up to 32 bits. */
    final int u32() {
        int result = 0;
        int shift = 0;
        int b;
        do {
            b = u8();
            result |= (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return result;
    }

    /** A signed LEB128 value of up to 64 bits (i32/i64 constants, s33 block types and heap types). */
    final long s64() {
        long result = 0;
        int shift = 0;
        int b;
        do {
            b = u8();
            result |= (long) (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0) {
            result |= -1L << shift;
        }
        return result;
    }

    /** Skips one LEB128 value of any width without decoding it. */
    final void skipLeb() {
        while ((u8() & 0x80) != 0) {
            // continuation bytes
        }
    }

    final void skip(int count) {
        if (count > end - position) {
            throw truncated();
        }
        position += count;
    }

    final String name() {
        int length = u32();
        String name = new String(bytes, position, length, StandardCharsets.UTF_8);
        position += length;
        return name;
    }
}
