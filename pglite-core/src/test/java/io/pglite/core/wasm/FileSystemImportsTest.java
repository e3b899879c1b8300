package io.pglite.core.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import io.pglite.core.fs.DataBundle;
import io.pglite.core.fs.FileSystem;
import io.pglite.core.fs.FileType;
import io.pglite.core.fs.HostVolume;
import io.pglite.core.fs.MemoryVolume;
import io.pglite.core.fs.Stat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemImportsTest {
    private static final int AT_FDCWD = -100;
    private static final int O_WRONLY = 1;
    private static final int O_RDWR = 2;
    private static final int O_CREAT = 64;
    private static final int O_EXCL = 128;
    private static final int O_APPEND = 1024;
    private static final int O_NONBLOCK = 2048;
    private static final int O_DIRECTORY = 65536;
    private static final int O_PATH = 2097152;
    private static final int MAPPED = 65536;

    private final FileSystem fs = FileSystem.forPglite(DataBundle.of("prog".getBytes(StandardCharsets.US_ASCII),
            "# pglite.data 4\n0\t4\t/pglite/bin/postgres\n"), MemoryVolume.empty(), new Random(1));
    private final List<String> stdout = new ArrayList<>();
    private final List<String> stderr = new ArrayList<>();
    private final List<int[]> allocations = new ArrayList<>();
    private final FileSystemImports imports = new FileSystemImports(fs, (alignment, size) -> {
        allocations.add(new int[] {alignment, size});
        return MAPPED;
    }, stdout::add, stderr::add);
    private final PathSyscalls paths = imports.paths;
    private final DescriptorSyscalls descriptors = imports.descriptors;
    private final Memory memory = new ByteArrayMemory(new MemoryLimits(2, 2));
    private int free = 1024;

    @Test
    void openatCreatesWithTheModeFromTheVarargsLessTheUmask() throws Exception {
        int fd = paths.openat(memory, AT_FDCWD, string("/tmp/f"), O_RDWR | O_CREAT, i32(0666));

        assertEquals(3, fd);
        assertEquals(0100644, fs.stat("/tmp/f", true).mode());
    }

    @Test
    void openatAnswersTheNegatedEmscriptenErrno() {
        paths.openat(memory, AT_FDCWD, string("/tmp/f"), O_WRONLY | O_CREAT, i32(0600));

        assertEquals(-44, paths.openat(memory, AT_FDCWD, string("/tmp/missing"), 0, 0));
        assertEquals(-20, paths.openat(memory, AT_FDCWD, string("/tmp/f"), O_WRONLY | O_CREAT | O_EXCL, i32(0600)));
        assertEquals(-54, paths.openat(memory, AT_FDCWD, string("/tmp/f"), O_DIRECTORY, 0));
        assertEquals(-31, paths.openat(memory, AT_FDCWD, string("/tmp"), O_WRONLY, 0));
        assertEquals(-28, paths.openat(memory, AT_FDCWD, string("/tmp/f"), O_PATH, 0));
    }

    @Test
    void relativePathsResolveAgainstTheCwdOrADirectoryDescriptor() throws Exception {
        assertEquals(0, paths.chdir(memory, string("/pglite/../tmp/.")));
        paths.openat(memory, AT_FDCWD, string("rel"), O_WRONLY | O_CREAT, i32(0600));
        int dir = paths.openat(memory, AT_FDCWD, string("/home"), O_DIRECTORY, 0);
        assertEquals(0, paths.mkdirat(memory, dir, string("postgres"), 0700));

        int buffer = alloc(16);
        assertEquals(5, paths.getcwd(memory, buffer, 16));
        assertEquals("/tmp", memory.readCString(buffer));
        assertEquals(FileType.REGULAR, fs.stat("/tmp/rel", true).type());
        assertEquals(040700, fs.stat("/home/postgres", true).mode());
        assertEquals(-68, paths.getcwd(memory, buffer, 4));
        assertEquals(-54, paths.chdir(memory, string("/pglite/bin/postgres")));
    }

    @Test
    void fdWriteGathersAndFdPreadScattersIovecs() throws Exception {
        int fd = paths.openat(memory, AT_FDCWD, string("/tmp/f"), O_RDWR | O_CREAT, i32(0600));
        int count = alloc(4);

        assertEquals(0, descriptors.fdWrite(memory, fd, iovecs(bytes("hello "), bytes("world")), 2, count));
        assertEquals(11, memory.readInt(count));

        int first = alloc(4);
        int second = alloc(16);
        int vectors = alloc(16);
        memory.writeI32(vectors, first);
        memory.writeI32(vectors + 4, 4);
        memory.writeI32(vectors + 8, second);
        memory.writeI32(vectors + 12, 16);
        assertEquals(0, descriptors.fdPread(memory, fd, vectors, 2, 2, count));
        assertEquals(9, memory.readInt(count));
        assertEquals("llo ", memory.readString(first, 4));
        assertEquals("world", memory.readString(second, 5));
    }

    @Test
    void fdSeekStoresTheNewPositionAsAnI64() {
        int fd = paths.openat(memory, AT_FDCWD, string("/tmp/f"), O_RDWR | O_CREAT, i32(0600));
        descriptors.fdWrite(memory, fd, iovecs(bytes("0123456789")), 1, alloc(4));
        int position = alloc(8);

        assertEquals(0, descriptors.fdSeek(memory, fd, -3, 2, position));
        assertEquals(7, memory.readLong(position));
        assertEquals(0, descriptors.fdSeek(memory, fd, 1, 1, position));
        assertEquals(8, memory.readLong(position));
        assertEquals(28, descriptors.fdSeek(memory, fd, -20, 1, position));
        assertEquals(28, descriptors.fdSeek(memory, fd, 0, 7, position));
    }

    @Test
    void stat64FillsTheStructAtTheEmscriptenOffsets() throws Exception {
        int fd = paths.openat(memory, AT_FDCWD, string("/tmp/f"), O_RDWR | O_CREAT, i32(0640));
        descriptors.fdWrite(memory, fd, iovecs(new byte[5000]), 1, alloc(4));
        fs.setTimes("/tmp/f", 1_500_000_000_123_456_789L, 1_600_000_000_987_654_321L, true);
        Stat expected = fs.stat("/tmp/f", true);
        int buffer = alloc(96);

        assertEquals(0, paths.stat64(memory, string("/tmp/f"), buffer));

        assertEquals((int) expected.device(), memory.readInt(buffer));
        assertEquals(0100640, memory.readInt(buffer + 4));
        assertEquals(1, memory.readInt(buffer + 8));
        assertEquals(0, memory.readInt(buffer + 12));
        assertEquals(5000, memory.readLong(buffer + 24));
        assertEquals(4096, memory.readInt(buffer + 32));
        assertEquals(2, memory.readInt(buffer + 36));
        assertEquals(1_500_000_000L, memory.readLong(buffer + 40));
        assertEquals(123_456_789, memory.readInt(buffer + 48));
        assertEquals(1_600_000_000L, memory.readLong(buffer + 56));
        assertEquals(987_654_321, memory.readInt(buffer + 64));
        assertEquals(expected.inode(), memory.readLong(buffer + 88));
        assertEquals(-44, paths.stat64(memory, string("/tmp/missing"), buffer));
    }

    @Test
    void lstatAndNewfstatatTellLinksFromTargets() {
        paths.symlinkat(memory, string("/pglite/bin/postgres"), AT_FDCWD, string("/tmp/link"));
        int buffer = alloc(96);

        assertEquals(0, paths.lstat64(memory, string("/tmp/link"), buffer));
        assertEquals(0120777, memory.readInt(buffer + 4));
        assertEquals(0, paths.newfstatat(memory, AT_FDCWD, string("/tmp/link"), buffer, 0));
        assertEquals(0100555, memory.readInt(buffer + 4));
        int fd = paths.openat(memory, AT_FDCWD, string("/tmp"), O_DIRECTORY, 0);
        assertEquals(0, paths.newfstatat(memory, fd, string(""), buffer, 4096));
        assertEquals(040755, memory.readInt(buffer + 4));
        assertEquals(0, descriptors.fstat64(memory, fd, buffer));
        assertEquals(040755, memory.readInt(buffer + 4));
    }

    @Test
    void getdents64WritesFixedRecordsAndResumesWhereItStopped() throws Exception {
        fs.mkdir("/tmp/d", 0700);
        fs.mkdir("/tmp/d/sub", 0700);
        paths.openat(memory, AT_FDCWD, string("/tmp/d/file"), O_WRONLY | O_CREAT, i32(0600));
        int fd = paths.openat(memory, AT_FDCWD, string("/tmp/d"), O_DIRECTORY, 0);
        int buffer = alloc(3 * 280);

        assertEquals(3 * 280, descriptors.getdents64(memory, fd, buffer, 3 * 280 + 100));
        assertEquals(fs.stat("/tmp/d", true).inode(), memory.readLong(buffer));
        assertEquals(280, memory.readLong(buffer + 8));
        assertEquals(280, memory.readShort(buffer + 16));
        assertEquals(4, memory.read(buffer + 18));
        assertEquals(".", memory.readCString(buffer + 19));
        assertEquals("..", memory.readCString(buffer + 280 + 19));
        assertEquals("file", memory.readCString(buffer + 560 + 19));
        assertEquals(8, memory.read(buffer + 560 + 18));
        assertEquals(fs.stat("/tmp/d/file", true).inode(), memory.readLong(buffer + 560));

        assertEquals(280, descriptors.getdents64(memory, fd, buffer, 3 * 280));
        assertEquals("sub", memory.readCString(buffer + 19));
        assertEquals(4 * 280, memory.readLong(buffer + 8));
        assertEquals(0, descriptors.getdents64(memory, fd, buffer, 3 * 280));
        assertEquals(0, descriptors.fdSeek(memory, fd, 0, 0, alloc(8)));
        assertEquals(-28, descriptors.getdents64(memory, fd, buffer, 100));
    }

    /** initdb's {@code freopen}: a host channel closed with the first descriptor would break fd 1. */
    @Test
    void dupedDescriptorsShareOneOpenFileUntilTheLastCloses(@TempDir Path pgdata) throws Exception {
        FileSystem hostFs = FileSystem.forPglite(DataBundle.of(new byte[0], "# pglite.data 0\n"),
                HostVolume.of(pgdata), new Random(1));
        FileSystemImports host = new FileSystemImports(hostFs, (alignment, size) -> 0, stdout::add, stderr::add);
        int file = host.paths.openat(memory, AT_FDCWD, string("/pglite/data/out"), O_WRONLY | O_CREAT, i32(0600));

        assertEquals(1, host.descriptors.dup3(file, 1, 0));
        assertEquals(0, host.descriptors.fdClose(file));
        assertEquals(0, host.descriptors.fdWrite(memory, 1, iovecs(bytes("PostgreSQL 18.6\n")), 1, alloc(4)));
        int copy = host.descriptors.dup(1);
        assertEquals(0, host.descriptors.fdWrite(memory, copy, iovecs(bytes("more")), 1, alloc(4)));

        assertEquals("PostgreSQL 18.6\nmore", Files.readString(pgdata.resolve("out")));
        assertEquals(List.of(), stdout);
        assertEquals(file, copy);
        assertEquals(0, host.descriptors.fdClose(copy));
        assertEquals(8, host.descriptors.fdClose(copy));
    }

    @Test
    void dupTakesTheLowestFreeNumberUntilTheTableIsFull() {
        assertEquals(3, descriptors.dup(2));
        assertEquals(4, descriptors.dup(2));
        assertEquals(0, descriptors.fdClose(3));
        assertEquals(3, descriptors.dup(2));

        int last = 0;
        for (int i = 5; i < FileDescriptors.MAX; i++) {
            last = descriptors.dup(2);
        }
        assertEquals(FileDescriptors.MAX - 1, last);
        assertEquals(-33, descriptors.dup(2));
        assertEquals(-28, descriptors.dup3(2, 2, 0));
        assertEquals(-8, descriptors.dup3(2, FileDescriptors.MAX, 0));
    }

    @Test
    void standardOutputAndErrorArriveAsLines() {
        descriptors.fdWrite(memory, 2, iovecs(bytes("LOG:  starting\nERR"), bytes("OR:  x\npartial")), 2, alloc(4));
        descriptors.fdWrite(memory, 1, iovecs(bytes("backend> \n")), 1, alloc(4));

        assertEquals(List.of("LOG:  starting", "ERROR:  x"), stderr);
        assertEquals(List.of("backend> "), stdout);
        descriptors.fdClose(2);
        assertEquals("partial", stderr.get(2));
    }

    @Test
    void standardInputIsAtItsEnd() {
        int count = alloc(4);
        memory.writeI32(count, 99);

        assertEquals(0, descriptors.fdRead(memory, 0, iovecs(new byte[8]), 1, count));
        assertEquals(0, memory.readInt(count));
    }

    @Test
    void pipe2GivesDescriptorsThatAnswerEagainWhenEmpty() {
        int fds = alloc(8);
        assertEquals(0, descriptors.pipe2(memory, fds, O_NONBLOCK));
        int reader = memory.readInt(fds);
        int writer = memory.readInt(fds + 4);
        int count = alloc(4);
        int pollfd = alloc(8);
        memory.writeI32(pollfd, reader);
        memory.writeShort(pollfd + 4, (short) 1);

        assertEquals(6, descriptors.fdRead(memory, reader, iovecs(new byte[4]), 1, count));
        assertEquals(0, descriptors.poll(memory, pollfd, 1));
        assertEquals(0, descriptors.fdWrite(memory, writer, iovecs(new byte[] {42}), 1, count));
        assertEquals(1, descriptors.poll(memory, pollfd, 1));
        assertEquals(1, memory.readShort(pollfd + 6));
        int vector = iovecs(new byte[4]);
        assertEquals(0, descriptors.fdRead(memory, reader, vector, 1, count));
        assertEquals(1, memory.readInt(count));
        assertEquals(42, memory.read(memory.readInt(vector)));
        assertEquals(2048, descriptors.fcntl64(memory, reader, 3, 0) & 2048);
        assertEquals(-28, descriptors.pipe2(memory, fds, O_APPEND));
    }

    @Test
    void mmapCopiesTheFileIntoMemoryFromTheAllocatorAndZeroFillsTheRest() throws Exception {
        int fd = paths.openat(memory, AT_FDCWD, string("/dev/shm/PostgreSQL.1"), O_RDWR | O_CREAT, i32(0600));
        descriptors.fdWrite(memory, fd, iovecs(bytes("hello")), 1, alloc(4));
        memory.write(MAPPED, bytes("garbage!"));
        int allocated = alloc(4);
        int address = alloc(4);

        assertEquals(0, descriptors.mmap(memory, 8, 3, 1, fd, 1, allocated, address));

        assertEquals(1, memory.readInt(allocated));
        assertEquals(MAPPED, memory.readInt(address));
        assertArrayEquals(new int[] {65536, 8}, allocations.get(0));
        assertArrayEquals(new byte[] {'e', 'l', 'l', 'o', 0, 0, 0, 0}, memory.readBytes(MAPPED, 8));
    }

    @Test
    void munmapWritesASharedWritableMappingBackWithinTheFile() throws Exception {
        int fd = paths.openat(memory, AT_FDCWD, string("/dev/shm/seg"), O_RDWR | O_CREAT, i32(0600));
        assertEquals(0, descriptors.ftruncate64(fd, 6));
        descriptors.mmap(memory, 8, 3, 1, fd, 0, alloc(4), alloc(4));
        memory.write(MAPPED, bytes("changed!"));

        assertEquals(0, descriptors.munmap(memory, MAPPED, 8, 3, 2, fd, 0));
        assertArrayEquals(new byte[6], fs.readAllBytes("/dev/shm/seg"));
        assertEquals(0, descriptors.munmap(memory, MAPPED, 8, 3, 1, fd, 0));
        assertEquals("change", new String(fs.readAllBytes("/dev/shm/seg"), StandardCharsets.UTF_8));
    }

    @Test
    void mmapRefusesWhatCannotBeMapped() {
        int writeOnly = paths.openat(memory, AT_FDCWD, string("/tmp/w"), O_WRONLY | O_CREAT, i32(0600));
        int readOnly = paths.openat(memory, AT_FDCWD, string("/tmp/w"), 0, 0);
        int directory = paths.openat(memory, AT_FDCWD, string("/tmp"), O_DIRECTORY, 0);

        assertEquals(-2, descriptors.mmap(memory, 8, 1, 1, writeOnly, 0, alloc(4), alloc(4)));
        assertEquals(-2, descriptors.mmap(memory, 8, 3, 1, readOnly, 0, alloc(4), alloc(4)));
        assertEquals(-43, descriptors.mmap(memory, 8, 1, 1, directory, 0, alloc(4), alloc(4)));
        assertEquals(-28, descriptors.mmap(memory, 0, 1, 2, readOnly, 0, alloc(4), alloc(4)));
        assertEquals(List.of(), allocations);
    }

    @Test
    void fcntlAnswersLocksAndDescriptorAndStatusFlags() {
        int fd = paths.openat(memory, AT_FDCWD, string("/tmp/f"), O_RDWR | O_CREAT | O_APPEND, i32(0600));
        int flock = alloc(32);
        memory.writeShort(flock, (short) 1);

        assertEquals(0, descriptors.fcntl64(memory, fd, 12, i32(flock)));
        assertEquals(2, memory.readShort(flock));
        assertEquals(0, descriptors.fcntl64(memory, fd, 13, i32(flock)));
        assertEquals(0, descriptors.fcntl64(memory, fd, 14, i32(flock)));
        assertEquals(O_RDWR | O_APPEND, descriptors.fcntl64(memory, fd, 3, 0));
        assertEquals(0, descriptors.fcntl64(memory, fd, 4, i32(O_NONBLOCK)));
        assertEquals(O_RDWR | O_NONBLOCK, descriptors.fcntl64(memory, fd, 3, 0));
        assertEquals(0, descriptors.fcntl64(memory, fd, 1, 0));
        assertEquals(0, descriptors.fcntl64(memory, fd, 2, i32(1)));
        assertEquals(1, descriptors.fcntl64(memory, fd, 1, 0));
        assertEquals(10, descriptors.fcntl64(memory, fd, 0, i32(10)));
        assertEquals(-28, descriptors.fcntl64(memory, fd, 9, 0));
        assertEquals(-8, descriptors.fcntl64(memory, 99, 3, 0));
    }

    @Test
    void ioctlAnswersEnottyAndUnknownDescriptorsEbadf() {
        assertEquals(-59, descriptors.ioctl(1, 21523));
        assertEquals(-8, descriptors.ioctl(77, 21523));
        assertEquals(8, descriptors.fdClose(77));
    }

    @Test
    void readlinkatAnswersTheTargetOfALinkAndEinvalOtherwise() {
        paths.symlinkat(memory, string("../pglite"), AT_FDCWD, string("/tmp/link"));
        int buffer = alloc(16);

        assertEquals(9, paths.readlinkat(memory, AT_FDCWD, string("/tmp/link"), buffer, 16));
        assertEquals("../pglite", memory.readString(buffer, 9));
        assertEquals(4, paths.readlinkat(memory, AT_FDCWD, string("/tmp/link"), buffer, 4));
        assertEquals(-28, paths.readlinkat(memory, AT_FDCWD, string("/pglite/bin/postgres"), buffer, 16));
    }

    @Test
    void unlinkatRemovesFilesAndWithRemovedirEmptyDirectories() throws Exception {
        fs.mkdir("/tmp/d", 0700);
        paths.openat(memory, AT_FDCWD, string("/tmp/d/f"), O_WRONLY | O_CREAT, i32(0600));

        assertEquals(-55, paths.unlinkat(memory, AT_FDCWD, string("/tmp/d"), 512));
        assertEquals(-31, paths.unlinkat(memory, AT_FDCWD, string("/tmp/d"), 0));
        assertEquals(0, paths.unlinkat(memory, AT_FDCWD, string("/tmp/d/f"), 0));
        assertEquals(0, paths.unlinkat(memory, AT_FDCWD, string("/tmp/d"), 512));
        assertEquals(-44, paths.rmdir(memory, string("/tmp/d")));
        assertEquals(-28, paths.unlinkat(memory, AT_FDCWD, string("/tmp"), 1));
    }

    @Test
    void renameatReplacesTheTarget() throws Exception {
        paths.openat(memory, AT_FDCWD, string("/tmp/new"), O_WRONLY | O_CREAT, i32(0600));
        paths.openat(memory, AT_FDCWD, string("/tmp/old"), O_WRONLY | O_CREAT, i32(0640));

        assertEquals(0, paths.renameat(memory, AT_FDCWD, string("/tmp/new"), AT_FDCWD, string("/tmp/old")));
        assertEquals(0100600, fs.stat("/tmp/old", true).mode());
        assertEquals(-75, paths.renameat(memory, AT_FDCWD, string("/tmp/old"), AT_FDCWD, string("/pglite/data/old")));
    }

    @Test
    void faccessatChecksThePermissionBits() {
        int path = string("/pglite/bin/postgres");

        assertEquals(0, paths.faccessat(memory, AT_FDCWD, path, 1, 0));
        assertEquals(0, paths.faccessat(memory, AT_FDCWD, path, 4, 0));
        assertEquals(-2, paths.faccessat(memory, AT_FDCWD, path, 2, 0));
        assertEquals(-44, paths.faccessat(memory, AT_FDCWD, string("/pglite/bin/missing"), 0, 0));
        assertEquals(-28, paths.faccessat(memory, AT_FDCWD, path, 8, 0));
    }

    @Test
    void modeChangesAreStoredAndOwnerChangesAccepted() throws Exception {
        int fd = paths.openat(memory, AT_FDCWD, string("/tmp/f"), O_RDWR | O_CREAT, i32(0600));

        assertEquals(0, descriptors.fchmod(fd, 0640));
        assertEquals(0640, fs.stat("/tmp/f", true).permissions());
        assertEquals(0, paths.chmod(memory, string("/tmp/f"), 0400));
        assertEquals(0400, fs.stat("/tmp/f", true).permissions());
        assertEquals(0, paths.fchmodat2(memory, AT_FDCWD, string("/tmp/f"), 0444, 0));
        assertEquals(0444, fs.stat("/tmp/f", true).permissions());
        assertEquals(0, descriptors.fchown32(fd));
        assertEquals(0, paths.fchownat(memory, AT_FDCWD, string("/tmp/f"), 0));
        assertEquals(-44, paths.fchownat(memory, AT_FDCWD, string("/tmp/missing"), 0));
        assertEquals(0022, paths.umask(077));
        assertEquals(077, paths.umask(0022));
    }

    @Test
    void truncationAndAllocationSizeTheFile() throws Exception {
        int fd = paths.openat(memory, AT_FDCWD, string("/tmp/f"), O_RDWR | O_CREAT, i32(0600));
        int readOnly = paths.openat(memory, AT_FDCWD, string("/tmp/f"), 0, 0);

        assertEquals(0, descriptors.ftruncate64(fd, 100));
        assertEquals(100, fs.stat("/tmp/f", true).size());
        assertEquals(0, descriptors.fallocate(fd, 0, 90, 20));
        assertEquals(110, fs.stat("/tmp/f", true).size());
        assertEquals(0, paths.truncate64(memory, string("/tmp/f"), 7));
        assertEquals(7, fs.stat("/tmp/f", true).size());
        assertEquals(-28, descriptors.ftruncate64(readOnly, 1));
        assertEquals(-138, descriptors.fallocate(fd, 1, 0, 1));
        assertEquals(0, descriptors.fadvise64(fd));
        assertEquals(0, descriptors.fdatasync(fd));
        assertEquals(0, descriptors.fdSync(fd));
    }

    @Test
    void utimensatSetsGivenTimesAndKeepsOmittedOnes() throws Exception {
        paths.openat(memory, AT_FDCWD, string("/tmp/f"), O_RDWR | O_CREAT, i32(0600));
        long modified = fs.stat("/tmp/f", true).modifyTime();
        int times = alloc(32);
        memory.writeLong(times, 1000);
        memory.writeI32(times + 8, 5);
        memory.writeLong(times + 16, 0);
        memory.writeI32(times + 24, 0x3ffffffe);

        assertEquals(0, paths.utimensat(memory, AT_FDCWD, string("/tmp/f"), times, 0));
        assertEquals(1000_000_000_005L, fs.stat("/tmp/f", true).accessTime());
        assertEquals(modified, fs.stat("/tmp/f", true).modifyTime());
    }

    @Test
    void fdstatAndStatfsDescribeWhatIsOpen() {
        int directory = paths.openat(memory, AT_FDCWD, string("/tmp"), O_DIRECTORY, 0);
        int fdstat = alloc(24);
        int statfs = alloc(72);

        assertEquals(0, descriptors.fdFdstatGet(memory, directory, fdstat));
        assertEquals(3, memory.read(fdstat));
        assertEquals(0, descriptors.fdFdstatGet(memory, 1, fdstat));
        assertEquals(2, memory.read(fdstat));
        assertEquals(8, descriptors.fdFdstatGet(memory, 50, fdstat));
        assertEquals(0, paths.statfs64(memory, string("/pglite/data"), statfs));
        assertEquals(4096, memory.readInt(statfs + 4));
        assertEquals(4096, memory.readInt(statfs + 60));
        assertEquals(255, memory.readInt(statfs + 56));
    }

    @Test
    void urandomReadsTheInjectedRandomSource() {
        int fd = paths.openat(memory, AT_FDCWD, string("/dev/urandom"), 0, 0);
        int vector = iovecs(new byte[8]);
        byte[] expected = new byte[8];
        new Random(1).nextBytes(expected);

        descriptors.fdRead(memory, fd, vector, 1, alloc(4));

        assertArrayEquals(expected, memory.readBytes(memory.readInt(vector), 8));
    }

    @Test
    void aFailureInsideTheHostAnswersEioInsteadOfThrowing() {
        int outsideMemory = 3 * 65536;

        assertEquals(-29, paths.stat64(memory, string("/tmp"), outsideMemory));
        assertEquals(29, descriptors.fdWrite(memory, 1, outsideMemory, 1, alloc(4)));
    }

    @Test
    void hostFunctionsCoverTheImportsWithTheirExactTypes() {
        Map<String, HostFunction> functions = imports.toHostFunctions().stream()
                .collect(Collectors.toMap(HostFunction::name, Function.identity()));

        assertEquals(45, functions.size());
        assertEquals(type(List.of(ValType.I32, ValType.I64, ValType.I32, ValType.I32)),
                functions.get("fd_seek").functionType());
        assertEquals("wasi_snapshot_preview1", functions.get("fd_seek").module());
        assertEquals(type(List.of(ValType.I32, ValType.I32, ValType.I32, ValType.I32, ValType.I64, ValType.I32,
                ValType.I32)), functions.get("_mmap_js").functionType());
        assertEquals(type(List.of(ValType.I32, ValType.I32, ValType.I64, ValType.I64)),
                functions.get("__syscall_fallocate").functionType());
        assertEquals("env", functions.get("__syscall_openat").module());
        assertTrue(functions.values().stream().allMatch(f -> f.functionType().returns().equals(List.of(ValType.I32))));
    }

    private static FunctionType type(List<ValType> params) {
        return FunctionType.of(params, List.of(ValType.I32));
    }

    /** A NUL-terminated string in memory. */
    private int string(String text) {
        byte[] bytes = bytes(text);
        int address = alloc(bytes.length + 1);
        memory.write(address, bytes);
        memory.writeByte(address + bytes.length, (byte) 0);
        return address;
    }

    /** An i32 in memory, as a varargs block. */
    private int i32(int value) {
        int address = alloc(4);
        memory.writeI32(address, value);
        return address;
    }

    /** Vectors over copies of the given buffers. */
    private int iovecs(byte[]... buffers) {
        int vectors = alloc(8 * buffers.length);
        for (int i = 0; i < buffers.length; i++) {
            int address = alloc(buffers[i].length);
            memory.write(address, buffers[i]);
            memory.writeI32(vectors + 8 * i, address);
            memory.writeI32(vectors + 8 * i + 4, buffers[i].length);
        }
        return vectors;
    }

    private int alloc(int size) {
        int address = free;
        free += (size + 7) & ~7;
        return address;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
