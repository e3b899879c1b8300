package io.pglite.build;

import java.io.ByteArrayOutputStream;

/** LEB128 numbers as the WebAssembly binary format writes them. */
final class Leb {

    private Leb() {
    }

    static void writeUnsigned(ByteArrayOutputStream out, long value) {
        do {
            int low = (int) (value & 0x7f);
            value >>>= 7;
            out.write(value == 0 ? low : low | 0x80);
        } while (value != 0);
    }

    static void writeSigned(ByteArrayOutputStream out, long value) {
        while (true) {
            int low = (int) (value & 0x7f);
            value >>= 7;
            if ((value == 0 && (low & 0x40) == 0) || (value == -1 && (low & 0x40) != 0)) {
                out.write(low);
                return;
            }
            out.write(low | 0x80);
        }
    }

    static int unsignedSize(long value) {
        int size = 1;
        while ((value >>>= 7) != 0) {
            size++;
        }
        return size;
    }
}
