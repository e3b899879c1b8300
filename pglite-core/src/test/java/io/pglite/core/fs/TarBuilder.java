package io.pglite.core.fs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes small ustar archives for tests. */
final class TarBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    TarBuilder directory(String name, int mode) {
        return entry(name, '5', mode, new byte[0], "");
    }

    TarBuilder file(String name, int mode, byte[] content) {
        return entry(name, '0', mode, content, "");
    }

    TarBuilder symlink(String name, String target) {
        return entry(name, '2', 0777, new byte[0], target);
    }

    /** Any entry, e.g. a GNU long name ({@code 'L'}) or a pax header ({@code 'x'}). */
    TarBuilder entry(String name, char type, int mode, byte[] content, String linkName) {
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, String.format("%07o", mode));
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", content.length));
        put(header, 136, String.format("%011o", 1_700_000_000L));
        header[156] = (byte) type;
        put(header, 157, linkName);
        put(header, 257, "ustar");
        put(header, 263, "00");
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xFF;
        }
        put(header, 148, String.format("%06o", sum));
        out.writeBytes(header);
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        return this;
    }

    byte[] build() {
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void put(byte[] header, int offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }
}
