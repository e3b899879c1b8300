package io.pglite.build;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads uncompressed ustar archives holding regular files and directories only, as {@code npm pack} writes them
 * and as {@link TarWriter} does; any other entry type is refused rather than misread.
 */
final class TarReader {

    private final InputStream in;

    TarReader(InputStream in) {
        this.in = in;
    }

    /** Returns the next entry, or {@code null} at the end of the archive. */
    TarEntry next() throws IOException {
        byte[] header = in.readNBytes(TarWriter.BLOCK);
        if (header.length == 0 || isZero(header)) {
            return null;
        }
        if (header.length < TarWriter.BLOCK) {
            throw new EOFException("tar header truncated after " + header.length + " bytes");
        }
        String path = text(header, 0, 100);
        if (text(header, 257, 6).equals("ustar")) {
            String prefix = text(header, 345, 155);
            if (!prefix.isEmpty()) {
                path = prefix + "/" + path;
            }
        }
        long checksum = octal(header, 148, 8);
        if (checksum != TarWriter.checksum(header)) {
            throw new IOException("tar header of " + path + ": checksum " + checksum + " (expected: "
                    + TarWriter.checksum(header) + ")");
        }
        char type = (char) header[156];
        long size = octal(header, 124, 12);
        if (type == '5') {
            return new TarEntry(stripTrailingSlash(path), true, new byte[0]);
        }
        if (type != '0' && type != '\0') {
            throw new IOException("tar entry " + path + ": type '" + type + "' (expected: a file or a directory)");
        }
        byte[] content = in.readNBytes(Math.toIntExact(size));
        if (content.length < size) {
            throw new EOFException("tar entry " + path + " truncated: " + content.length + " of " + size + " bytes");
        }
        in.skipNBytes(TarWriter.padding(size));
        return new TarEntry(path, false, content);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] header, int offset, int length) throws IOException {
        String digits = text(header, offset, length).strip();
        try {
            return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
        } catch (NumberFormatException e) {
            throw new IOException("tar header field at " + offset + ": " + digits + " (expected: octal number)", e);
        }
    }

    private static String stripTrailingSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
