package io.pglite.build;

import java.nio.charset.StandardCharsets;

/** A cursor over WebAssembly binary: LEB128 integers, bytes and names ({@link Leb} writes them). */
final class WasmReader {
    final byte[] bytes;
    int position;

    WasmReader(byte[] bytes, int position) {
        this.bytes = bytes;
        this.position = position;
    }

    int u8() {
        return bytes[position++] & 0xff;
    }

    /** An unsigned LEB128 value of up to 32 bits. */
    int u32() {
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
    long s64() {
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
    void skipLeb() {
        while ((u8() & 0x80) != 0) {
            // continuation bytes
        }
    }

    void skip(int count) {
        position += count;
    }

    String name() {
        int length = u32();
        String name = new String(bytes, position, length, StandardCharsets.UTF_8);
        position += length;
        return name;
    }
}
