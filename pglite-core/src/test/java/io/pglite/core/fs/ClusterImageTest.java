package io.pglite.core.fs;

import static io.pglite.core.fs.ChunkedContentTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ClusterImageTest {
    private static final int CHUNK = ChunkedContent.CHUNK_SIZE;

    @Test
    void tarDirectoriesFilesAndLinksBecomeTheVolumeTree() throws Exception {
        byte[] tar = new TarBuilder()
                .directory("./", 0750)
                .file("PG_VERSION", 0600, "18\n".getBytes(StandardCharsets.UTF_8))
                .directory("base/", 0700)
                .file("base/1/112", 0640, bytes(3 * CHUNK + 5, (byte) 4))
                .symlink("latest", "base/1")
                .build();

        FileSystem fs = mounted(MemoryVolume.of(ClusterImage.fromTar(new ByteArrayInputStream(tar))));

        assertEquals("18\n", new String(fs.readAllBytes("/data/PG_VERSION"), StandardCharsets.UTF_8));
        assertArrayEquals(bytes(3 * CHUNK + 5, (byte) 4), fs.readAllBytes("/data/base/1/112"));
        assertEquals(0640, fs.stat("/data/base/1/112", true).permissions());
        assertEquals(0600, fs.stat("/data/PG_VERSION", true).permissions());
        assertEquals(0750, fs.stat("/data", true).permissions());
        assertEquals(0700, fs.stat("/data/base/1", true).permissions());
        assertEquals(1_700_000_000L * 1_000_000_000L, fs.stat("/data/PG_VERSION", true).modifyTime());
        assertEquals("base/1", fs.readlink("/data/latest"));
        assertEquals(FileType.DIRECTORY, fs.stat("/data/latest", true).type());
    }

    @Test
    void namesAsPgliteDumpsThemStartWithASlash() throws Exception {
        byte[] tar = new TarBuilder().file("/global/pg_control", 0600, new byte[] {1, 2}).build();

        FileSystem fs = mounted(MemoryVolume.of(ClusterImage.fromTar(new ByteArrayInputStream(tar))));

        assertArrayEquals(new byte[] {1, 2}, fs.readAllBytes("/data/global/pg_control"));
    }

    @Test
    void gnuLongNamesAndPaxPathsNameTheNextEntry() throws Exception {
        String longName = "base/" + "x".repeat(120);
        byte[] tar = new TarBuilder()
                .entry("././@LongLink", 'L', 0, (longName + "\0").getBytes(StandardCharsets.UTF_8), "")
                .file("truncated", 0600, new byte[] {1})
                .entry("pax", 'x', 0, "21 path=from-pax.txt\n".getBytes(StandardCharsets.UTF_8), "")
                .file("ignored", 0600, new byte[] {2})
                .build();

        FileSystem fs = mounted(MemoryVolume.of(ClusterImage.fromTar(new ByteArrayInputStream(tar))));

        assertArrayEquals(new byte[] {1}, fs.readAllBytes("/data/" + longName));
        assertArrayEquals(new byte[] {2}, fs.readAllBytes("/data/from-pax.txt"));
    }

    @Test
    void gzippedInputIsRejectedAsNotATar() throws Exception {
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
            out.write(new TarBuilder().file("a", 0600, new byte[] {1}).build());
        }

        IOException e = assertThrows(IOException.class,
                () -> ClusterImage.fromTar(new ByteArrayInputStream(gzipped.toByteArray())));
        assertTrue(e.getMessage().contains("uncompressed ustar"), e.getMessage());
    }

    @Test
    void entriesOutsideTheRootAreRejected() {
        byte[] tar = new TarBuilder().file("../escape", 0600, new byte[] {1}).build();

        IOException e = assertThrows(IOException.class, () -> ClusterImage.fromTar(new ByteArrayInputStream(tar)));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
    }

    @Test
    void hardLinkEntriesAreRejectedNamingTheEntry() {
        byte[] tar = new TarBuilder().entry("link", '1', 0600, new byte[0], "target").build();

        IOException e = assertThrows(IOException.class, () -> ClusterImage.fromTar(new ByteArrayInputStream(tar)));
        assertTrue(e.getMessage().contains("link"), e.getMessage());
    }

    @Test
    void allZeroChunksOfATarFileTakeNoMemory() throws Exception {
        byte[] wal = new byte[4 * CHUNK];
        wal[0] = 1;
        byte[] tar = new TarBuilder().file("pg_wal/000000010000000000000001", 0600, wal).build();

        MemoryVolume volume = MemoryVolume.of(ClusterImage.fromTar(new ByteArrayInputStream(tar)));

        FrozenContent content = assertInstanceOf(FrozenContent.class,
                file(volume, "pg_wal/000000010000000000000001").content());
        assertSame(content.chunk(1), content.chunk(2));
        assertSame(content.chunk(2), content.chunk(3));
        assertNotSame(content.chunk(0), content.chunk(1));
    }

    @Test
    void twoVolumesFromOneImageShareTheChunksNeitherWrote() throws Exception {
        ClusterImage image = imageWithOneFile(bytes(3 * CHUNK, (byte) 1));
        MemoryVolume first = MemoryVolume.of(image);
        MemoryVolume second = MemoryVolume.of(image);

        write(mounted(first), "/data/rel", CHUNK + 1, new byte[] {9});

        ChunkedContent written = chunked(first, "rel");
        FrozenContent untouched = (FrozenContent) file(second, "rel").content();
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
        return ClusterImage.fromTar(new ByteArrayInputStream(new TarBuilder().file("rel", 0600, content).build()));
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
