package io.pglite.core.fs;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;

/** Writes small cluster packs for tests, in the layout pglite-build's {@code ClusterPack} documents. */
final class PackBuilder {
    static final long MODIFY_TIME = 1_700_000_000L * 1_000_000_000L;
    private final ByteArrayOutputStream index = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(index);
    private final List<byte[]> chunks = new ArrayList<>();
    private int entries;

    PackBuilder() {
        directory("", 0700);
    }

    /** Parents before what they hold, as the pack requires. */
    PackBuilder directory(String path, int mode) {
        return entry(path, 'D', mode, null);
    }

    /** Every non-zero chunk of the file is stored (equal ones too: a pack need not share them). */
    PackBuilder file(String path, int mode, byte[] content) {
        return entry(path, 'F', mode, content);
    }

    private PackBuilder entry(String path, char kind, int mode, byte[] content) {
        try {
            out.writeUTF(path);
            out.writeByte(kind);
            out.writeInt(mode);
            out.writeLong(MODIFY_TIME);
            if (content != null) {
                int count = (content.length + ChunkedContent.CHUNK_SIZE - 1) / ChunkedContent.CHUNK_SIZE;
                out.writeLong(content.length);
                out.writeInt(count);
                for (int i = 0; i < count; i++) {
                    byte[] chunk = Arrays.copyOfRange(content, i * ChunkedContent.CHUNK_SIZE, (i + 1) * ChunkedContent.CHUNK_SIZE);
                    if (Arrays.equals(chunk, ChunkedContent.ZERO)) {
                        out.writeInt(-1);
                    } else {
                        out.writeInt(chunks.size());
                        chunks.add(chunk);
                    }
                }
            }
            entries++;
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] build() {
        try {
            ByteArrayOutputStream pack = new ByteArrayOutputStream();
            DataOutputStream header = new DataOutputStream(pack);
            header.writeUTF(ClusterImage.PACK_MAGIC);
            header.writeInt(ClusterImage.PACK_VERSION);
            header.writeInt(ChunkedContent.CHUNK_SIZE);
            header.writeInt(entries);
            out.flush();
            header.write(index.toByteArray());
            List<byte[]> compressed = new ArrayList<>();
            for (byte[] chunk : chunks) {
                Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
                deflater.setInput(chunk);
                deflater.finish();
                byte[] buffer = new byte[2 * chunk.length];
                compressed.add(Arrays.copyOf(buffer, deflater.deflate(buffer)));
                deflater.end();
            }
            header.writeInt(compressed.size());
            for (byte[] chunk : compressed) {
                header.writeInt(chunk.length);
            }
            for (byte[] chunk : compressed) {
                header.write(chunk);
            }
            return pack.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
