package io.pglite.core.engine;

import io.pglite.core.wasm.DynamicLinkImports;
import io.pglite.core.wasm.FileSystemImports;
import io.pglite.core.fs.SnapshotCodec;
import io.pglite.core.wasm.MemoryImage;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Everything an idle backend is, at one moment: its wasm memory, globals and function table, the
 * side modules it linked, its files and descriptors. Immutable once taken; restored in place by the
 * engine that took it, or into another engine, which becomes a copy (a clone).
 */
public final class EngineSnapshot {
    private static final String MAGIC = "pglite-java snapshot";
    /**
     * 2: the database name follows the instance name; 3: the working directory and umask follow the
     * descriptors; 4: files of the cluster pack as shipped are written as references to it.
     */
    private static final int FORMAT = 4;

    /** The name of the instance it was taken of. */
    final String source;
    /** The database its backend had open; a clone serves it too. */
    final String database;
    final MemoryImage memory;
    final long[] globals;
    final DynamicLinkImports.State linker;
    final FileSystemImports.Snapshot files;

    EngineSnapshot(String source, String database, MemoryImage memory, long[] globals, DynamicLinkImports.State linker,
            FileSystemImports.Snapshot files) {
        this.source = source;
        this.database = database;
        this.memory = memory;
        this.globals = globals;
        this.linker = linker;
        this.files = files;
    }

    /**
     * Writes the snapshot, compressed, headed by the engine build it belongs to. Chunks of the
     * shipped cluster and data bundle are written as references.
     */
    public void writeTo(OutputStream out) throws IOException {
        DataOutputStream header = new DataOutputStream(out);
        header.writeUTF(MAGIC);
        header.writeInt(FORMAT);
        header.writeUTF(EngineAssets.buildKey());
        header.writeUTF(source);
        header.writeUTF(database);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            DeflaterOutputStream compressed = new DeflaterOutputStream(out, deflater, 1 << 16);
            DataOutputStream data = new DataOutputStream(new BufferedOutputStream(compressed, 1 << 16));
            memory.writeTo(data);
            data.writeInt(globals.length);
            for (long global : globals) {
                data.writeLong(global);
            }
            linker.writeTo(data);
            files.writeTo(data, codec());
            data.flush();
            compressed.finish();
        } finally {
            deflater.end();
        }
    }

    /**
     * Reads a snapshot that {@link #writeTo} wrote, in this JVM or an earlier one.
     *
     * @throws IOException when it is not a snapshot, is damaged, or was written by another engine build
     */
    public static EngineSnapshot readFrom(InputStream in, String description) throws IOException {
        DataInputStream header = new DataInputStream(in);
        String magic;
        try {
            magic = header.readUTF();
        } catch (IOException e) {
            throw new IOException(description + " is not a pglite-java snapshot (" + e.getMessage() + ")", e);
        }
        if (!MAGIC.equals(magic)) {
            throw new IOException(description + " is not a pglite-java snapshot");
        }
        int format = header.readInt();
        String build = header.readUTF();
        if (format != FORMAT || !build.equals(EngineAssets.buildKey())) {
            throw new IOException(description + " was written by another engine build (format " + format + ", " + build
                    + "); this is format " + FORMAT + ", " + EngineAssets.buildKey() + ". Take the snapshot again with this build");
        }
        String source = header.readUTF();
        String database = header.readUTF();
        Inflater inflater = new Inflater();
        try {
            DataInputStream data = new DataInputStream(new BufferedInputStream(new InflaterInputStream(in, inflater, 1 << 16), 1 << 16));
            MemoryImage memory = MemoryImage.readFrom(data);
            long[] globals = new long[data.readInt()];
            for (int i = 0; i < globals.length; i++) {
                globals[i] = data.readLong();
            }
            DynamicLinkImports.State linker = DynamicLinkImports.State.readFrom(data);
            FileSystemImports.Snapshot files = FileSystemImports.Snapshot.readFrom(data, codec());
            return new EngineSnapshot(source, database, memory, globals, linker, files);
        } catch (java.io.EOFException | java.util.zip.ZipException | RuntimeException e) {
            throw new IOException(description + " is damaged: " + e, e);
        } finally {
            inflater.end();
        }
    }

    /** The engine build snapshot files are tied to. */
    public static String engineBuild() {
        return EngineAssets.buildKey();
    }

    private static SnapshotCodec codec() {
        return new SnapshotCodec(EngineAssets.cluster(), EngineAssets.bundle());
    }

    /** The name of the instance it was taken of. */
    public String source() {
        return source;
    }

    /** The database its backend had open. */
    public String database() {
        return database;
    }

    /** Bytes of heap the memory image holds (chunks shared with other snapshots counted in full). */
    public long memoryBytes() {
        return memory.retainedBytes();
    }
}
