package io.pglite.core.fs;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads an uncompressed tar archive (ustar, with GNU long names and pax {@code path} records) into
 * a fresh {@link MemoryVolume}. Entry names are relative to the volume root; parents that the
 * archive does not list get mode 0700.
 */
final class TarReader {
    private static final int BLOCK = 512;

    private final InputStream in;
    private final MemoryVolume volume = new MemoryVolume(0700, MemoryNode.now());
    private final byte[] header = new byte[BLOCK];
    private final byte[] chunk = new byte[ChunkedContent.CHUNK_SIZE];
    private long offset;
    private String longName;

    private TarReader(InputStream in) {
        this.in = in;
    }

    static MemoryVolume read(InputStream in) throws IOException {
        TarReader reader = new TarReader(in);
        while (reader.next()) {
            // each call adds one entry
        }
        return reader.volume;
    }

    /** Reads one header and what follows it; false at the end of the archive. */
    private boolean next() throws IOException {
        long at = offset;
        if (!readHeader()) {
            return false;
        }
        checkChecksum(at);
        String name = longName != null ? longName : headerName();
        longName = null;
        long size = octal(124, 12);
        int permissions = (int) octal(100, 8) & 07777;
        long modifyTime = octal(136, 12) * 1_000_000_000L;
        char type = (char) header[156];
        switch (type) {
            case 'L' -> longName = nulTerminated(readData(size));
            case 'x' -> longName = paxPath(readData(size));
            case 'g' -> skip(size + padding(size));
            case '5' -> directory(name, permissions, modifyTime);
            case '0', '\0', '7' -> file(name, permissions, modifyTime, size);
            case '2' -> symlink(name, field(157, 100), modifyTime);
            default -> throw new IOException("tar entry " + name + " at offset " + at
                    + " has type '" + type + "' (expected: a directory, regular file or symbolic link)");
        }
        return true;
    }

    private void directory(String name, int permissions, long modifyTime) throws IOException {
        String path = relative(name);
        MemoryDirectory directory = path.isEmpty() ? volume.root() : directories(path);
        directory.chmod(permissions);
        directory.setTimes(modifyTime, modifyTime);
    }

    private void file(String name, int permissions, long modifyTime, long size) throws IOException {
        String path = relative(name);
        ChunkedContent content = new ChunkedContent();
        for (long done = 0; done < size; ) {
            int n = (int) Math.min(chunk.length, size - done);
            readFully(chunk, n);
            content.write(done, chunk, 0, n);
            done += n;
        }
        skip(padding(size));
        parent(path).attach(baseName(path), new MemoryFile(volume, permissions, modifyTime, content));
    }

    private void symlink(String name, String target, long modifyTime) throws IOException {
        String path = relative(name);
        parent(path).attach(baseName(path), new Symlink(volume, target, modifyTime));
    }

    private MemoryDirectory parent(String path) throws IOException {
        if (path.isEmpty()) {
            throw new IOException("tar entry at offset " + offset + " has no name");
        }
        int slash = path.lastIndexOf('/');
        return slash < 0 ? volume.root() : directories(path.substring(0, slash));
    }

    private MemoryDirectory directories(String path) throws IOException {
        try {
            return volume.root().makeDirectories(path, 0700);
        } catch (ErrnoException e) {
            throw new IOException("tar entry " + path + " lies under something that is not a directory", e);
        }
    }

    /** Strips {@code /} and {@code ./} prefixes and a trailing {@code /}; rejects {@code ..}. */
    private static String relative(String name) throws IOException {
        String path = name;
        while (path.startsWith("/") || path.startsWith("./")) {
            path = path.substring(path.startsWith("/") ? 1 : 2);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.equals(".")) {
            return "";
        }
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                throw new IOException("tar entry " + name + " points outside the archive root");
            }
        }
        return path;
    }

    private static String baseName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private boolean readHeader() throws IOException {
        int n = in.readNBytes(header, 0, BLOCK);
        offset += n;
        if (n == 0) {
            return false;
        }
        if (n < BLOCK) {
            throw new EOFException("tar archive ends inside a header at offset " + (offset - n)
                    + " (expected: an uncompressed ustar archive)");
        }
        for (byte b : header) {
            if (b != 0) {
                return true;
            }
        }
        return false;
    }

    private void checkChecksum(long at) throws IOException {
        long expected = octal(148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xFF;
        }
        if (sum != expected) {
            throw new IOException("bad tar header checksum at offset " + at
                    + " (expected: an uncompressed ustar archive)");
        }
    }

    private String headerName() {
        String name = field(0, 100);
        boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't'
                && header[260] == 'a' && header[261] == 'r' && header[262] == 0;
        String prefix = ustar ? field(345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private String field(int start, int length) {
        int end = start;
        while (end < start + length && header[end] != 0) {
            end++;
        }
        return new String(header, start, end - start, StandardCharsets.UTF_8);
    }

    private long octal(int start, int length) throws IOException {
        if ((header[start] & 0x80) != 0) { // GNU base-256 for large numbers
            long value = header[start] & 0x7F;
            for (int i = start + 1; i < start + length; i++) {
                value = (value << 8) | (header[i] & 0xFF);
            }
            return value;
        }
        String text = field(start, length).trim();
        try {
            return text.isEmpty() ? 0 : Long.parseLong(text, 8);
        } catch (NumberFormatException e) {
            throw new IOException("bad number '" + text + "' in tar header at offset " + (offset - BLOCK), e);
        }
    }

    private byte[] readData(long size) throws IOException {
        if (size > 1 << 20) {
            throw new IOException("tar metadata entry of " + size + " bytes at offset " + offset);
        }
        byte[] data = new byte[(int) size];
        readFully(data, data.length);
        skip(padding(size));
        return data;
    }

    /** The {@code path} keyword of pax extended-header records ({@code "<len> path=<value>\n"}). */
    private static String paxPath(byte[] records) {
        String text = new String(records, StandardCharsets.UTF_8);
        for (String record : text.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 6);
            }
        }
        return null;
    }

    private static String nulTerminated(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private void readFully(byte[] into, int length) throws IOException {
        int n = in.readNBytes(into, 0, length);
        offset += n;
        if (n < length) {
            throw new EOFException("tar archive ends inside an entry at offset " + offset);
        }
    }

    private void skip(long length) throws IOException {
        in.skipNBytes(length);
        offset += length;
    }

    private static long padding(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }
}
