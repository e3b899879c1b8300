package io.pglite.build;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes an uncompressed ustar archive whose headers depend only on path, type and size: owner 0:0, no user or
 * group names, a fixed modification time, mode 0750 for directories and 0600 for files (what PGlite's own
 * {@code dumpDataDir} uses). Two archives of the same entries in the same order are byte-identical.
 */
final class TarWriter implements Closeable {

    static final int BLOCK = 512;
    /** Modification time of every entry: 2000-01-01T00:00:00Z. */
    static final long MTIME = 946_684_800L;
    static final int DIRECTORY_MODE = 0750;
    static final int FILE_MODE = 0600;

    private final OutputStream out;

    TarWriter(OutputStream out) {
        this.out = out;
    }

    void addDirectory(String path) throws IOException {
        out.write(header(path + "/", '5', DIRECTORY_MODE, 0));
    }

    void addFile(String path, byte[] content) throws IOException {
        out.write(header(path, '0', FILE_MODE, content.length));
        out.write(content);
        out.write(new byte[padding(content.length)]);
    }

    /** Writes the end-of-archive marker (two zero blocks); does not close the underlying stream. */
    @Override
    public void close() throws IOException {
        out.write(new byte[2 * BLOCK]);
        out.flush();
    }

    static int padding(long size) {
        return (int) ((BLOCK - size % BLOCK) % BLOCK);
    }

    /** The header checksum: the sum of all header bytes, the checksum field counted as eight spaces. */
    static long checksum(byte[] header) {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
        }
        return sum;
    }

    private static byte[] header(String path, char type, int mode, long size) {
        byte[] header = new byte[BLOCK];
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        int nameStart = 0;
        if (name.length > 100) {
            int slash = prefixEnd(name);
            System.arraycopy(name, 0, header, 345, slash);
            nameStart = slash + 1;
        }
        System.arraycopy(name, nameStart, header, 0, name.length - nameStart);
        putOctal(header, 100, 8, mode);
        putOctal(header, 108, 8, 0);
        putOctal(header, 116, 8, 0);
        putOctal(header, 124, 12, size);
        putOctal(header, 136, 12, MTIME);
        header[156] = (byte) type;
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 6);
        header[263] = '0';
        header[264] = '0';
        putOctal(header, 148, 7, checksum(header));
        header[155] = ' ';
        return header;
    }

    /** Where to split a long path into ustar's prefix (up to 155 bytes) and name (up to 100 bytes). */
    private static int prefixEnd(byte[] name) {
        for (int slash = Math.min(155, name.length - 2); slash > 0; slash--) {
            if (name[slash] == '/') {
                if (name.length - slash - 1 > 100) {
                    break;
                }
                return slash;
            }
        }
        throw new IllegalArgumentException("tar path: " + new String(name, StandardCharsets.UTF_8)
                + " (expected: fits ustar's 155-byte prefix and 100-byte name)");
    }

    /** Writes {@code value} as zero-padded octal digits filling {@code length - 1} bytes, then a NUL. */
    private static void putOctal(byte[] header, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        if (digits.length() > length - 1) {
            throw new IllegalArgumentException("tar field value: " + value + " (expected: at most "
                    + (length - 1) + " octal digits)");
        }
        String padded = "0".repeat(length - 1 - digits.length()) + digits;
        System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, header, offset, length - 1);
    }
}
