package io.pglite.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/** A tar archive packed and read back by a decoder written from the format's description. */
class ClusterPackTest {
    private static final int CHUNK = ClusterPack.CHUNK_SIZE;

    @Test
    void filesComeBackWholeWithZeroChunksLeftOutAndEqualChunksStoredOnce() throws Exception {
        byte[] page = filled(CHUNK, 7);
        byte[] table = concat(page, new byte[CHUNK], filled(CHUNK, 9), page); // zero chunk, repeated chunk
        byte[] copy = table.clone(); // another database's copy of the table
        byte[] tail = filled(CHUNK + 100, 3); // the last chunk is partial
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarWriter writer = new TarWriter(tar)) {
            writer.addDirectory("base");
            writer.addDirectory("base/1");
            writer.addFile("base/1/1259", table);
            writer.addDirectory("base/5");
            writer.addFile("base/5/1259", copy);
            writer.addFile("PG_VERSION", "18\n".getBytes());
            writer.addFile("pg_wal/empty", new byte[0]);
            writer.addFile("tail", tail);
        }

        Decoded pack = decode(ClusterPack.pack(new ByteArrayInputStream(tar.toByteArray())));

        assertEquals(List.of("", "PG_VERSION", "base", "base/1", "base/1/1259", "base/5", "base/5/1259", "pg_wal/empty", "tail"),
                new ArrayList<>(pack.files.keySet()), "the root, then every entry in path order (a parent before its children)");
        assertArrayEquals(table, pack.files.get("base/1/1259"));
        assertArrayEquals(copy, pack.files.get("base/5/1259"));
        assertArrayEquals(tail, pack.files.get("tail"));
        assertArrayEquals("18\n".getBytes(), pack.files.get("PG_VERSION"));
        assertArrayEquals(new byte[0], pack.files.get("pg_wal/empty"));
        assertEquals(null, pack.files.get("base"), "a directory");
        assertEquals(5, pack.chunks, "7, 9, PG_VERSION's and the tail's two: the zero chunk and repeats are not stored");
    }

    private record Decoded(Map<String, byte[]> files, int chunks) {
    }

    private static Decoded decode(byte[] pack) throws IOException, DataFormatException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(pack));
        assertEquals(ClusterPack.MAGIC, in.readUTF());
        assertEquals(ClusterPack.VERSION, in.readInt());
        assertEquals(CHUNK, in.readInt());
        Map<String, long[]> sizes = new LinkedHashMap<>();
        Map<String, int[]> numbers = new LinkedHashMap<>();
        int entries = in.readInt();
        for (int e = 0; e < entries; e++) {
            String path = in.readUTF();
            byte kind = in.readByte();
            int mode = in.readInt();
            assertEquals(TarWriter.MTIME * 1_000_000_000L, in.readLong());
            if (kind == 'D') {
                assertEquals(path.isEmpty() ? 0700 : 0750, mode);
                sizes.put(path, null);
                continue;
            }
            assertEquals('F', kind);
            assertEquals(0600, mode);
            sizes.put(path, new long[] {in.readLong()});
            int[] chunkNumbers = new int[in.readInt()];
            for (int i = 0; i < chunkNumbers.length; i++) {
                chunkNumbers[i] = in.readInt();
            }
            numbers.put(path, chunkNumbers);
        }
        int[] lengths = new int[in.readInt()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = in.readInt();
        }
        List<byte[]> chunks = new ArrayList<>();
        for (int length : lengths) {
            byte[] compressed = in.readNBytes(length);
            Inflater inflater = new Inflater(true);
            inflater.setInput(compressed);
            byte[] chunk = new byte[CHUNK];
            assertEquals(CHUNK, inflater.inflate(chunk));
            inflater.end();
            chunks.add(chunk);
        }
        assertEquals(-1, in.read(), "nothing after the chunks");
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : sizes.entrySet()) {
            if (entry.getValue() == null) {
                files.put(entry.getKey(), null);
                continue;
            }
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            for (int number : numbers.get(entry.getKey())) {
                content.write(number < 0 ? new byte[CHUNK] : chunks.get(number));
            }
            files.put(entry.getKey(), Arrays.copyOf(content.toByteArray(), (int) entry.getValue()[0]));
        }
        return new Decoded(files, chunks.size());
    }

    private static byte[] filled(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * seed + 1);
        }
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
