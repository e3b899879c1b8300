package io.pglite.core.fs;

import static io.pglite.core.fs.ClusterImageTest.assertThrowsErrno;
import static io.pglite.core.fs.ClusterImageTest.mounted;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostVolumeTest {
    private static final Set<OpenFlag> CREATE_RW = EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.CREATE);

    @TempDir
    Path host;

    private FileSystem fs;

    @BeforeEach
    void mountTheTemporaryDirectory() throws ErrnoException {
        fs = mounted(HostVolume.of(host));
    }

    @Test
    void writesLandInTheHostFileInPlace() throws Exception {
        OpenFile file = fs.open("/data/PG_VERSION", CREATE_RW, 0600);
        file.write(bytes("18\n"), 0, 3);

        assertEquals("18\n", Files.readString(host.resolve("PG_VERSION")));
        file.writeAt(1, bytes("9"), 0, 1);
        assertEquals("19\n", Files.readString(host.resolve("PG_VERSION")));
        file.close();
    }

    @Test
    void hostFilesAreReadThroughTheVolume() throws Exception {
        Files.createDirectories(host.resolve("base/5"));
        Files.write(host.resolve("base/5/1259"), bytes("relation"));

        assertEquals("relation", new String(fs.readAllBytes("/data/base/5/1259"), StandardCharsets.UTF_8));
        assertEquals(8, fs.stat("/data/base/5/1259", true).size());
    }

    @Test
    void createdFilesAndDirectoriesGetTheRequestedModes() throws Exception {
        fs.open("/data/f", CREATE_RW, 0600).close();
        fs.mkdir("/data/d", 0750);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(host.resolve("f"))));
        assertEquals(040750, fs.stat("/data/d", true).mode());
        assertEquals(0100600, fs.stat("/data/f", true).mode());
    }

    @Test
    void statReportsTheHostInodeAndTimes() throws Exception {
        Files.write(host.resolve("f"), bytes("x"));

        Stat stat = fs.stat("/data/f", true);

        assertEquals(Files.getAttribute(host.resolve("f"), "unix:ino"), stat.inode());
        assertEquals(Files.getLastModifiedTime(host.resolve("f")).toMillis(), stat.modifyTime() / 1_000_000);
    }

    @Test
    void exclusiveCreateAndMissingFilesMapToTheirErrnos() throws Exception {
        Files.write(host.resolve("postmaster.pid"), bytes("42"));

        assertThrowsErrno(Errno.EEXIST, () -> fs.open("/data/postmaster.pid",
                EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE, OpenFlag.EXCLUSIVE), 0600));
        assertThrowsErrno(Errno.ENOENT, () -> fs.open("/data/missing", EnumSet.of(OpenFlag.READ), 0));
        assertThrowsErrno(Errno.ENOENT, () -> fs.unlink("/data/missing"));
    }

    @Test
    void truncateGrowsWithZerosAndCuts() throws Exception {
        Files.write(host.resolve("seg"), bytes("abc"));
        OpenFile file = fs.open("/data/seg", EnumSet.of(OpenFlag.READ, OpenFlag.WRITE), 0);

        file.truncate(6);
        assertArrayEquals(new byte[] {'a', 'b', 'c', 0, 0, 0}, Files.readAllBytes(host.resolve("seg")));
        file.truncate(1);
        assertEquals("a", Files.readString(host.resolve("seg")));
        file.close();
    }

    @Test
    void renameReplacesTheTargetOnTheHost() throws Exception {
        Files.write(host.resolve("conf.tmp"), bytes("new"));
        Files.write(host.resolve("conf"), bytes("old"));

        fs.rename("/data/conf.tmp", "/data/conf");

        assertEquals("new", Files.readString(host.resolve("conf")));
        assertTrue(Files.notExists(host.resolve("conf.tmp")));
    }

    @Test
    void directoriesAreListedSortedAndRemovedOnlyWhenEmpty() throws Exception {
        fs.mkdir("/data/d", 0700);
        Files.write(host.resolve("d/b"), bytes(""));
        Files.createDirectory(host.resolve("d/a"));

        OpenFile directory = fs.open("/data/d", EnumSet.of(OpenFlag.READ, OpenFlag.DIRECTORY), 0);
        List<DirEntry> entries = directory.entries();

        assertEquals(List.of(".", "..", "a", "b"), entries.stream().map(DirEntry::name).toList());
        assertEquals(FileType.DIRECTORY, entries.get(2).type());
        assertEquals(FileType.REGULAR, entries.get(3).type());
        assertThrowsErrno(Errno.ENOTEMPTY, () -> fs.rmdir("/data/d"));
        fs.unlink("/data/d/b");
        fs.rmdir("/data/d/a");
        fs.rmdir("/data/d");
        assertTrue(Files.notExists(host.resolve("d")));
    }

    @Test
    void anUnlinkedOpenHostFileStaysReadable() throws Exception {
        OpenFile file = fs.open("/data/tmp", CREATE_RW, 0600);
        file.write(bytes("kept"), 0, 4);

        fs.unlink("/data/tmp");

        byte[] into = new byte[4];
        assertEquals(4, file.readAt(0, into, 0, 4));
        assertEquals("kept", new String(into, StandardCharsets.UTF_8));
        assertTrue(Files.notExists(host.resolve("tmp")));
        file.close();
    }

    @Test
    void syncForcesAnOpenFileAndFailsOnceItIsClosed() throws Exception {
        OpenFile file = fs.open("/data/wal", CREATE_RW, 0600);
        file.write(bytes("record"), 0, 6);

        file.sync(true);
        file.sync(false);
        file.close();

        assertThrowsErrno(Errno.EBADF, () -> file.sync(true));
    }

    @Test
    void symbolicLinksAndMovesToOtherVolumesAreRefused() throws Exception {
        Files.write(host.resolve("f"), bytes("x"));

        assertThrowsErrno(Errno.EPERM, () -> fs.symlink("/data/f", "/data/link"));
        assertThrowsErrno(Errno.EXDEV, () -> fs.rename("/data/f", "/f"));
    }

    @Test
    void aHostFileWithoutWritePermissionCannotBeOpenedForWriting() throws Exception {
        Files.write(host.resolve("ro"), bytes("x"));
        Files.setPosixFilePermissions(host.resolve("ro"), PosixFilePermissions.fromString("r--r--r--"));

        assertThrowsErrno(Errno.EACCES, () -> fs.open("/data/ro", EnumSet.of(OpenFlag.WRITE), 0));
    }

    @Test
    void onlyAnExistingDirectoryCanBeMounted() throws Exception {
        Path file = Files.write(host.resolve("file"), bytes("x"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostVolume.of(file));

        assertTrue(e.getMessage().contains("expected: an existing directory"), e.getMessage());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
