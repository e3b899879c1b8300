package io.pglite.core.fs;

import static io.pglite.core.fs.ClusterImageTest.assertThrowsErrno;
import static io.pglite.core.fs.ClusterImageTest.mounted;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FileSystemTest {
    private static final Set<OpenFlag> CREATE_RW = EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.CREATE);

    private final FileSystem fs = new FileSystem();

    @Test
    void openingAMissingFileWithoutCreateFailsWithEnoent() {
        assertThrowsErrno(Errno.ENOENT, () -> fs.open("/missing", EnumSet.of(OpenFlag.READ), 0));
    }

    @Test
    void exclusiveCreateFailsWhenTheNameExists() throws Exception {
        fs.open("/pid", CREATE_RW, 0600).close();

        assertThrowsErrno(Errno.EEXIST, () -> fs.open("/pid",
                EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE, OpenFlag.EXCLUSIVE), 0600));
    }

    @Test
    void exclusiveCreateDoesNotFollowADanglingLink() throws Exception {
        fs.symlink("/target", "/link");

        assertThrowsErrno(Errno.EEXIST, () -> fs.open("/link",
                EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE, OpenFlag.EXCLUSIVE), 0600));
    }

    @Test
    void creatingThroughADanglingLinkCreatesItsTarget() throws Exception {
        fs.symlink("/target", "/link");

        fs.open("/link", CREATE_RW, 0600).close();

        assertEquals(FileType.REGULAR, fs.stat("/target", false).type());
    }

    @Test
    void truncateOnOpenEmptiesAnExistingFile() throws Exception {
        write("/f", "hello");

        fs.open("/f", EnumSet.of(OpenFlag.WRITE, OpenFlag.TRUNCATE), 0).close();

        assertEquals(0, fs.stat("/f", true).size());
    }

    @Test
    void appendModeWritesAtTheEndWhereverThePositionIs() throws Exception {
        write("/log", "abc");
        OpenFile file = fs.open("/log", EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.APPEND), 0);

        file.seek(0, OpenFile.Whence.SET);
        file.write(bytes("de"), 0, 2);

        assertEquals("abcde", read("/log"));
        assertEquals(5, file.seek(0, OpenFile.Whence.CURRENT));
    }

    @Test
    void positionalReadsAndWritesLeaveThePositionAlone() throws Exception {
        OpenFile file = fs.open("/f", CREATE_RW, 0600);
        file.write(bytes("0123456789"), 0, 10);
        file.seek(2, OpenFile.Whence.SET);

        file.writeAt(20, bytes("x"), 0, 1);
        byte[] into = new byte[3];
        file.readAt(4, into, 0, 3);

        assertEquals("456", new String(into, StandardCharsets.UTF_8));
        assertEquals(2, file.seek(0, OpenFile.Whence.CURRENT));
        assertEquals(21, file.stat().size());
        assertArrayEquals(new byte[10], java.util.Arrays.copyOfRange(fs.readAllBytes("/f"), 10, 20));
    }

    @Test
    void seekingBeforeTheStartFailsWithEinval() throws Exception {
        OpenFile file = fs.open("/f", CREATE_RW, 0600);

        assertThrowsErrno(Errno.EINVAL, () -> file.seek(-1, OpenFile.Whence.SET));
    }

    @Test
    void readingAFileOpenedWriteOnlyFailsWithEbadf() throws Exception {
        OpenFile file = fs.open("/f", EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE), 0600);

        assertThrowsErrno(Errno.EBADF, () -> file.read(new byte[1], 0, 1));
    }

    @Test
    void renameReplacesAnExistingFile() throws Exception {
        write("/postgresql.auto.conf", "old");
        write("/postgresql.auto.conf.tmp", "new");
        OpenFile oldOpen = fs.open("/postgresql.auto.conf", EnumSet.of(OpenFlag.READ), 0);

        fs.rename("/postgresql.auto.conf.tmp", "/postgresql.auto.conf");

        assertEquals("new", read("/postgresql.auto.conf"));
        assertThrowsErrno(Errno.ENOENT, () -> fs.stat("/postgresql.auto.conf.tmp", true));
        byte[] into = new byte[3];
        oldOpen.read(into, 0, 3);
        assertEquals("old", new String(into, StandardCharsets.UTF_8));
    }

    @Test
    void renameReplacesAnEmptyDirectoryButNotAFullOne() throws Exception {
        fs.mkdir("/a", 0700);
        write("/a/f", "x");
        fs.mkdir("/empty", 0700);
        fs.mkdir("/full", 0700);
        write("/full/g", "y");

        assertThrowsErrno(Errno.ENOTEMPTY, () -> fs.rename("/a", "/full"));
        fs.rename("/a", "/empty");

        assertEquals("x", read("/empty/f"));
        assertThrowsErrno(Errno.ENOENT, () -> fs.stat("/a", true));
    }

    @Test
    void renameBetweenFilesAndDirectoriesFailsAsPosixSays() throws Exception {
        fs.mkdir("/d", 0700);
        write("/f", "x");

        assertThrowsErrno(Errno.EISDIR, () -> fs.rename("/f", "/d"));
        assertThrowsErrno(Errno.ENOTDIR, () -> fs.rename("/d", "/f"));
    }

    @Test
    void renameOfADirectoryIntoItselfFailsWithEinval() throws Exception {
        fs.mkdir("/a", 0700);
        fs.mkdir("/a/b", 0700);

        assertThrowsErrno(Errno.EINVAL, () -> fs.rename("/a", "/a/b/c"));
    }

    @Test
    void renameAcrossVolumesFailsWithExdev() throws Exception {
        FileSystem withData = mounted(MemoryVolume.empty());
        OpenFile file = withData.open("/f", CREATE_RW, 0600);
        file.close();

        assertThrowsErrno(Errno.EXDEV, () -> withData.rename("/f", "/data/f"));
    }

    @Test
    void mountPointsCannotBeRemovedOrRenamed() throws Exception {
        FileSystem withData = mounted(MemoryVolume.empty());

        assertThrowsErrno(Errno.EBUSY, () -> withData.rmdir("/data"));
        assertThrowsErrno(Errno.EBUSY, () -> withData.rename("/data", "/elsewhere"));
    }

    @Test
    void anUnlinkedFileStaysUsableWhileOpen() throws Exception {
        OpenFile file = fs.open("/shm", CREATE_RW, 0600);
        file.write(bytes("abc"), 0, 3);

        fs.unlink("/shm");
        file.writeAt(3, bytes("d"), 0, 1);

        byte[] into = new byte[4];
        assertEquals(4, file.readAt(0, into, 0, 4));
        assertEquals("abcd", new String(into, StandardCharsets.UTF_8));
        assertThrowsErrno(Errno.ENOENT, () -> fs.stat("/shm", true));
    }

    @Test
    void directoriesAreRemovedByRmdirOnlyWhenEmpty() throws Exception {
        fs.mkdir("/d", 0700);
        write("/d/f", "x");

        assertThrowsErrno(Errno.EISDIR, () -> fs.unlink("/d"));
        assertThrowsErrno(Errno.ENOTEMPTY, () -> fs.rmdir("/d"));
        assertThrowsErrno(Errno.ENOTDIR, () -> fs.rmdir("/d/f"));
        fs.unlink("/d/f");
        fs.rmdir("/d");
        assertThrowsErrno(Errno.ENOENT, () -> fs.stat("/d", true));
    }

    @Test
    void mkdirOfAnExistingNameFailsWithEexist() throws Exception {
        fs.mkdir("/d", 0700);

        assertThrowsErrno(Errno.EEXIST, () -> fs.mkdir("/d", 0700));
        assertThrowsErrno(Errno.ENOENT, () -> fs.mkdir("/missing/d", 0700));
    }

    @Test
    void pathsThroughAFileFailWithEnotdir() throws Exception {
        write("/f", "x");

        assertThrowsErrno(Errno.ENOTDIR, () -> fs.stat("/f/g", true));
    }

    @Test
    void symbolicLinksAreFollowedAndReadBack() throws Exception {
        fs.mkdir("/real", 0755);
        write("/real/file", "content");
        fs.symlink("real", "/relative");
        fs.symlink("/real/file", "/absolute");

        assertEquals("content", read("/relative/file"));
        assertEquals("content", read("/absolute"));
        assertEquals("/real/file", fs.readlink("/absolute"));
        assertEquals(FileType.SYMLINK, fs.stat("/absolute", false).type());
        assertEquals(FileType.REGULAR, fs.stat("/absolute", true).type());
        assertThrowsErrno(Errno.EINVAL, () -> fs.readlink("/real"));
        assertThrowsErrno(Errno.ELOOP, () -> fs.open("/absolute", EnumSet.of(OpenFlag.READ, OpenFlag.NO_FOLLOW), 0));
    }

    @Test
    void aLinkCycleFailsWithEloop() throws Exception {
        fs.symlink("/b", "/a");
        fs.symlink("/a", "/b");

        assertThrowsErrno(Errno.ELOOP, () -> fs.stat("/a", true));
    }

    @Test
    void dotDotStopsAtTheRoot() throws Exception {
        write("/f", "x");

        assertEquals("x", read("/../../f"));
    }

    @Test
    void statReportsTypePermissionsSizeAndDistinctInodes() throws Exception {
        fs.mkdir("/d", 0750);
        write("/d/f", "12345");

        Stat file = fs.stat("/d/f", true);
        Stat directory = fs.stat("/d", true);

        assertEquals(0100600, file.mode());
        assertEquals(040750, directory.mode());
        assertEquals(5, file.size());
        assertEquals(2, directory.linkCount());
        assertNotEquals(file.inode(), directory.inode());
        assertEquals(file.device(), directory.device());
    }

    @Test
    void listingsIncludeDotEntriesAndStayStableUntilRewound() throws Exception {
        fs.mkdir("/d", 0700);
        write("/d/b", "");
        write("/d/a", "");
        OpenFile directory = fs.open("/d", EnumSet.of(OpenFlag.READ, OpenFlag.DIRECTORY), 0);

        List<DirEntry> first = directory.entries();
        directory.seek(5 * 280, OpenFile.Whence.SET);
        write("/d/c", "");

        assertEquals(List.of(".", "..", "a", "b"), first.stream().map(DirEntry::name).toList());
        assertEquals(first, directory.entries());
        directory.seek(0, OpenFile.Whence.SET);
        assertEquals(5, directory.entries().size());
        assertEquals(fs.stat("/d", true).inode(), first.get(0).inode());
        assertEquals(fs.stat("/", true).inode(), first.get(1).inode());
    }

    @Test
    void directoriesCannotBeReadOrOpenedForWriting() throws Exception {
        fs.mkdir("/d", 0700);
        OpenFile directory = fs.open("/d", EnumSet.of(OpenFlag.READ), 0);

        assertThrowsErrno(Errno.EISDIR, () -> directory.read(new byte[1], 0, 1));
        assertThrowsErrno(Errno.EISDIR, () -> fs.open("/d", EnumSet.of(OpenFlag.WRITE), 0));
        write("/f", "");
        assertThrowsErrno(Errno.ENOTDIR, () -> fs.open("/f", EnumSet.of(OpenFlag.READ, OpenFlag.DIRECTORY), 0));
    }

    @Test
    void permissionBitsAreCheckedOnOpenAndAccess() throws Exception {
        write("/ro", "x");
        fs.chmod("/ro", 0444, true);

        assertThrowsErrno(Errno.EACCES, () -> fs.open("/ro", EnumSet.of(OpenFlag.WRITE), 0));
        assertThrowsErrno(Errno.EACCES, () -> fs.access("/ro", 2, true));
        assertThrowsErrno(Errno.EACCES, () -> fs.access("/ro", 1, true));
        fs.access("/ro", 4, true);
        fs.open("/ro", EnumSet.of(OpenFlag.READ), 0).close();
    }

    @Test
    void truncateByPathGrowsWithZerosAndCuts() throws Exception {
        write("/f", "abc");

        fs.truncate("/f", 5);
        assertArrayEquals(new byte[] {'a', 'b', 'c', 0, 0}, fs.readAllBytes("/f"));
        fs.truncate("/f", 1);
        assertEquals("a", read("/f"));
        assertThrowsErrno(Errno.EINVAL, () -> fs.truncate("/f", -1));
    }

    @Test
    void setTimesChangesOnlyWhatIsGiven() throws Exception {
        write("/f", "");
        long modified = fs.stat("/f", true).modifyTime();

        fs.setTimes("/f", 1_000_000_000L, FileSystem.UNCHANGED, true);

        assertEquals(1_000_000_000L, fs.stat("/f", true).accessTime());
        assertEquals(modified, fs.stat("/f", true).modifyTime());
    }

    private void write(String path, String text) throws ErrnoException {
        OpenFile file = fs.open(path, EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE, OpenFlag.TRUNCATE), 0600);
        file.write(bytes(text), 0, text.length());
        file.close();
    }

    private String read(String path) throws ErrnoException {
        return new String(fs.readAllBytes(path), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
