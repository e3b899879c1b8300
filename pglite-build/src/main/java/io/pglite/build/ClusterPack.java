package io.pglite.build;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;

/**
 * Turns the prepared cluster's tar archive into the form pglite-core reads at run time: 8 KiB chunks, all-zero ones
 * left out and equal ones stored once (the three databases of a fresh cluster are nearly copies of each other),
 * each compressed on its own, behind an index of every directory and file. A JVM then reads the index and only
 * the chunks its instances read, instead of inflating 40 MB of tar, mostly zeros, on its first start.
 *
 * <p>Layout, big-endian ({@link DataOutputStream}): the UTF string {@value #MAGIC}, the int {@value #VERSION}, the
 * chunk size; the entry count, then per entry, the root ({@code ""}) first and the rest in path order (so a directory
 * before what it holds), its path, kind ({@code 'D'} or {@code 'F'}), mode and modification time in ns, and for a
 * file its size, chunk count and chunk numbers ({@code -1} for all zero); the
 * chunk count, each chunk's compressed length, then the chunks, each raw deflate of the full chunk (a file's last
 * chunk padded with zeros).
 *
 * <p>Options: {@code --tar pgdata.tar --out pgdata.pack}. The output is rewritten only when it changes.
 */
public final class ClusterPack {
    static final String MAGIC = "pglite-cluster-pack";
    static final int VERSION = 1;
    static final int CHUNK_SIZE = 8192;

    private ClusterPack() {
    }

    public static void main(String[] args) throws IOException {
        Args options = Args.parse(args);
        byte[] pack;
        try (InputStream tar = new BufferedInputStream(Files.newInputStream(options.path("tar")), 1 << 16)) {
            pack = pack(tar);
        }
        Path out = options.path("out");
        boolean written = BuildFiles.writeIfChanged(out, pack);
        System.out.printf("[ClusterPack] %s: %d bytes%s%n", out, pack.length, written ? ", written" : ", up to date");
    }

    /** The pack of a tar archive of files and directories, as {@link PrepareCluster} writes it. */
    static byte[] pack(InputStream tar) throws IOException {
        Map<String, TarEntry> entries = new TreeMap<>();
        TarReader reader = new TarReader(tar);
        for (TarEntry entry; (entry = reader.next()) != null; ) {
            String path = entry.path().startsWith("./") ? entry.path().substring(2) : entry.path();
            if (!path.isEmpty() && !path.equals(".")) {
                entries.put(path, entry);
            }
        }
        List<byte[]> chunks = new ArrayList<>();
        Map<ByteBuffer, Integer> numbers = new HashMap<>();
        ByteArrayOutputStream index = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(index);
        out.writeUTF(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(CHUNK_SIZE);
        out.writeInt(entries.size() + 1);
        long modifyTime = TarWriter.MTIME * 1_000_000_000L;
        out.writeUTF(""); // the root: mode 0700, as PostgreSQL wants for its data directory
        out.writeByte('D');
        out.writeInt(0700);
        out.writeLong(modifyTime);
        for (Map.Entry<String, TarEntry> entry : entries.entrySet()) {
            out.writeUTF(entry.getKey());
            boolean directory = entry.getValue().directory();
            out.writeByte(directory ? 'D' : 'F');
            out.writeInt(directory ? TarWriter.DIRECTORY_MODE : TarWriter.FILE_MODE); // what the tar holds
            out.writeLong(modifyTime);
            if (!directory) {
                byte[] content = entry.getValue().content();
                int count = (content.length + CHUNK_SIZE - 1) / CHUNK_SIZE;
                out.writeLong(content.length);
                out.writeInt(count);
                for (int i = 0; i < count; i++) {
                    byte[] chunk = Arrays.copyOfRange(content, i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE); // zero-padded
                    out.writeInt(isZero(chunk) ? -1 : numbers.computeIfAbsent(ByteBuffer.wrap(chunk), key -> {
                        chunks.add(chunk);
                        return chunks.size() - 1;
                    }));
                }
            }
        }
        List<byte[]> compressed = new ArrayList<>();
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] buffer = new byte[2 * CHUNK_SIZE];
        for (byte[] chunk : chunks) {
            deflater.reset();
            deflater.setInput(chunk);
            deflater.finish();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            while (!deflater.finished()) {
                bytes.write(buffer, 0, deflater.deflate(buffer));
            }
            compressed.add(bytes.toByteArray());
        }
        deflater.end();
        out.writeInt(compressed.size());
        for (byte[] chunk : compressed) {
            out.writeInt(chunk.length);
        }
        for (byte[] chunk : compressed) {
            out.write(chunk);
        }
        out.flush();
        return index.toByteArray();
    }

    private static boolean isZero(byte[] chunk) {
        for (byte b : chunk) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
