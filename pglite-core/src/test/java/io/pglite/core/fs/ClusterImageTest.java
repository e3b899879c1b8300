package io.pglite.core.fs;

import static io.pglite.core.fs.ChunkedContentTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ClusterImageTest {
    private static final int CHUNK = ChunkedContent.CHUNK_SIZE;

    @Test
    void packedDirectoriesAndFilesBecomeTheVolumeTree() throws Exception {
        byte[] pack = new PackBuilder()
                .file("PG_VERSION", 0600, "18\n".getBytes(StandardCharsets.UTF_8))
                .directory("base", 0750)
                .directory("base/1", 0700)
                .file("base/1/112", 0640, bytes(3 * CHUNK + 5, (byte) 4))
                .file("base/1/empty", 0600, new byte[0])
                .build();

        FileSystem fs = mounted(MemoryVolume.of(ClusterImage.fromPack(pack)));

        assertEquals("18\n", new String(fs.readAllBytes("/data/PG_VERSION"), StandardCharsets.UTF_8));
        assertArrayEquals(bytes(3 * CHUNK + 5, (byte) 4), fs.readAllBytes("/data/base/1/112"));
        assertArrayEquals(new byte[0], fs.readAllBytes("/data/base/1/empty"));
        assertEquals(0640, fs.stat("/data/base/1/112", true).permissions());
        assertEquals(0600, fs.stat("/data/PG_VERSION", true).permissions());
        assertEquals(0700, fs.stat("/data", true).permissions());
        assertEquals(0750, fs.stat("/data/base", true).permissions());
        assertEquals(PackBuilder.MODIFY_TIME, fs.stat("/data/PG_VERSION", true).modifyTime());
        assertEquals(FileType.DIRECTORY, fs.stat("/data/base/1", true).type());
    }

    @Test
    void aFilesChunksAreInflatedWhenItIsFirstRead() throws Exception {
        byte[] pack = new PackBuilder()
                .file("read", 0600, bytes(CHUNK, (byte) 1))
                .file("unread", 0600, bytes(CHUNK, (byte) 2))
                .build();
        pack[pack.length - 1] ^= (byte) 0xFF; // damages the last chunk, the unread file's
        pack[pack.length - 2] ^= (byte) 0xFF;

        FileSystem fs = mounted(MemoryVolume.of(ClusterImage.fromPack(pack)));

        assertArrayEquals(bytes(CHUNK, (byte) 1), fs.readAllBytes("/data/read"));
        IllegalStateException damaged = assertThrows(IllegalStateException.class, () -> fs.readAllBytes("/data/unread"));
        assertTrue(damaged.getMessage().contains("chunk 1 of the cluster pack"), damaged.getMessage());
    }

    @Test
    void somethingElseOrATruncatedPackIsRefused() {
        byte[] pack = new PackBuilder().file("f", 0600, bytes(CHUNK, (byte) 1)).build();

        IOException truncated = assertThrows(IOException.class, () -> ClusterImage.fromPack(Arrays.copyOf(pack, 40)));
        assertTrue(truncated.getMessage().contains("ends early"), truncated.getMessage());
        IOException tar = assertThrows(IOException.class, () -> ClusterImage.fromPack(new byte[1024]));
        assertTrue(tar.getMessage().contains("not a cluster pack"), tar.getMessage());
    }

    @Test
    void allZeroChunksOfAPackedFileAreTheSharedZeroChunk() throws Exception {
        byte[] wal = new byte[4 * CHUNK];
        wal[0] = 1;
        byte[] pack = new PackBuilder().directory("pg_wal", 0700).file("pg_wal/000000010000000000000001", 0600, wal).build();

        MemoryVolume volume = MemoryVolume.of(ClusterImage.fromPack(pack));
        FrozenContent content = ((SharedContent) file(volume, "pg_wal/000000010000000000000001").content()).writableCopy().freeze();

        assertSame(ChunkedContent.ZERO, content.chunk(1));
        assertSame(ChunkedContent.ZERO, content.chunk(3));
        assertNotSame(ChunkedContent.ZERO, content.chunk(0));
    }

    @Test
    void twoVolumesFromOneImageShareTheChunksNeitherWrote() throws Exception {
        ClusterImage image = imageWithOneFile(bytes(3 * CHUNK, (byte) 1));
        MemoryVolume first = MemoryVolume.of(image);
        MemoryVolume second = MemoryVolume.of(image);

        write(mounted(first), "/data/rel", CHUNK + 1, new byte[] {9});

        ChunkedContent written = chunked(first, "rel");
        FrozenContent untouched = ((SharedContent) file(second, "rel").content()).writableCopy().freeze();
        assertSame(untouched.chunk(0), written.chunk(0));
        assertSame(untouched.chunk(2), written.chunk(2));
        assertNotSame(untouched.chunk(1), written.chunk(1));
    }

    @Test
    void writesInOneVolumeAreInvisibleInTheOther() throws Exception {
        ClusterImage image = imageWithOneFile(bytes(2 * CHUNK, (byte) 1));
        FileSystem first = mounted(MemoryVolume.of(image));
        FileSystem second = mounted(MemoryVolume.of(image));

        write(first, "/data/rel", 10, new byte[] {9});
        first.mkdir("/data/new", 0700);

        assertEquals(9, first.readAllBytes("/data/rel")[10]);
        assertEquals(1, second.readAllBytes("/data/rel")[10]);
        assertThrowsErrno(Errno.ENOENT, () -> second.stat("/data/new", true));
    }

    @Test
    void aFrozenVolumeKeepsItsStateWhileTheVolumeGoesOn() throws Exception {
        MemoryVolume volume = MemoryVolume.empty();
        FileSystem fs = mounted(volume);
        write(fs, "/data/f", 0, bytes(CHUNK, (byte) 1));

        ClusterImage snapshot = volume.freeze();
        write(fs, "/data/f", 0, new byte[] {2});
        fs.unlink("/data/f");
        fs.mkdir("/data/later", 0700);

        FileSystem restored = mounted(MemoryVolume.of(snapshot));
        assertArrayEquals(bytes(CHUNK, (byte) 1), restored.readAllBytes("/data/f"));
        assertThrowsErrno(Errno.ENOENT, () -> restored.stat("/data/later", true));
    }

    @Test
    void freezingLeavesOutVolumesMountedInside() throws Exception {
        MemoryVolume outer = MemoryVolume.empty();
        FileSystem fs = mounted(outer);
        fs.mkdir("/data/inner", 0700);
        fs.mount("/data/inner", MemoryVolume.empty());
        write(fs, "/data/inner/f", 0, new byte[] {1});

        ClusterImage image = outer.freeze();

        assertTrue(image.root().children().isEmpty(), image.root().children().toString());
    }

    private static ClusterImage imageWithOneFile(byte[] content) throws IOException {
        return ClusterImage.fromPack(new PackBuilder().file("rel", 0600, content).build());
    }

    static FileSystem mounted(Volume volume) throws ErrnoException {
        FileSystem fs = new FileSystem();
        fs.mkdir("/data", 0700);
        fs.mount("/data", volume);
        return fs;
    }

    static void write(FileSystem fs, String path, long position, byte[] bytes) throws ErrnoException {
        OpenFile file = fs.open(path, EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE), 0600);
        file.writeAt(position, bytes, 0, bytes.length);
        file.close();
    }

    static void assertThrowsErrno(Errno expected, org.junit.jupiter.api.function.Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    private static MemoryFile file(MemoryVolume volume, String path) throws ErrnoException {
        Node node = volume.root();
        for (String name : path.split("/")) {
            node = ((Directory) node).lookup(name);
        }
        return (MemoryFile) node;
    }

    private static ChunkedContent chunked(MemoryVolume volume, String path) throws ErrnoException {
        return assertInstanceOf(ChunkedContent.class, file(volume, path).content());
    }
}
