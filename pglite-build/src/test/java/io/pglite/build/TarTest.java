package io.pglite.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TarTest {

    @Test
    void writtenEntriesReadBackInOrder() throws IOException {
        byte[] archive = archive(tar -> {
            tar.addDirectory("base");
            tar.addFile("base/PG_VERSION", "18\n".getBytes(StandardCharsets.US_ASCII));
            tar.addFile("empty", new byte[0]);
        });

        List<TarEntry> entries = readAll(archive);

        assertEquals(List.of("base", "base/PG_VERSION", "empty"), entries.stream().map(TarEntry::path).toList());
        assertTrue(entries.get(0).directory());
        assertArrayEquals("18\n".getBytes(StandardCharsets.US_ASCII), entries.get(1).content());
        assertEquals(0, entries.get(2).content().length);
    }

    @Test
    void archiveIsBlockAlignedAndEndsWithTwoZeroBlocks() throws IOException {
        byte[] archive = archive(tar -> tar.addFile("f", new byte[513]));

        assertEquals(512 + 1024 + 1024, archive.length);
        for (int i = archive.length - 1024; i < archive.length; i++) {
            assertEquals(0, archive[i]);
        }
    }

    @Test
    void headersCarryFixedOwnerModeAndTime() throws IOException {
        byte[] archive = archive(tar -> {
            tar.addDirectory("d");
            tar.addFile("d/f", new byte[] {1});
        });

        assertEquals("0000750", field(archive, 100, 7));
        assertEquals("0000000", field(archive, 108, 7));
        assertEquals(Long.toOctalString(TarWriter.MTIME), field(archive, 136, 11).replaceFirst("^0+", ""));
        assertEquals("d/", field(archive, 0, 2));
        assertEquals("ustar", field(archive, 257, 5));
        assertEquals("0000600", field(archive, 512 + 100, 7));
    }

    @Test
    void longPathIsSplitIntoPrefixAndName() throws IOException {
        String path = "a".repeat(120) + "/" + "b".repeat(90);

        byte[] archive = archive(tar -> tar.addFile(path, new byte[] {7}));

        assertEquals(path, readAll(archive).get(0).path());
    }

    @Test
    void pathWithoutUstarSplitIsRefused() {
        String path = "a".repeat(101);

        assertThrows(IllegalArgumentException.class, () -> archive(tar -> tar.addFile(path, new byte[0])));
    }

    @Test
    void otherEntryTypesAreRefused() throws IOException {
        byte[] archive = archive(tar -> tar.addFile("link", new byte[0]));
        archive[156] = '2';
        // keep the checksum valid, so that the type is what gets refused
        byte[] checksum = String.format("%06o\0 ", TarWriter.checksum(archive)).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(checksum, 0, archive, 148, 8);

        IOException e = assertThrows(IOException.class, () -> readAll(archive));
        assertEquals("tar entry link: type '2' (expected: a file or a directory)", e.getMessage());
    }

    @Test
    void corruptHeaderIsRefused() throws IOException {
        byte[] archive = archive(tar -> tar.addFile("f", new byte[0]));
        archive[0] = 'g';

        assertThrows(IOException.class, () -> readAll(archive));
    }

    private interface Entries {
        void write(TarWriter tar) throws IOException;
    }

    static byte[] archive(Entries entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarWriter tar = new TarWriter(out)) {
            entries.write(tar);
        }
        return out.toByteArray();
    }

    static List<TarEntry> readAll(byte[] archive) throws IOException {
        TarReader reader = new TarReader(new ByteArrayInputStream(archive));
        List<TarEntry> entries = new ArrayList<>();
        for (TarEntry entry = reader.next(); entry != null; entry = reader.next()) {
            entries.add(entry);
        }
        assertNull(reader.next());
        return entries;
    }

    private static String field(byte[] archive, int offset, int length) {
        return new String(archive, offset, length, StandardCharsets.US_ASCII);
    }
}
