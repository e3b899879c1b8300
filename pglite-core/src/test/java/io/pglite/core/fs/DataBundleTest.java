package io.pglite.core.fs;

import static io.pglite.core.fs.ClusterImageTest.assertThrowsErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DataBundleTest {
    private static final String MANIFEST = "# pglite.data 12\n"
            + "0\t4\t/pglite/bin/postgres\n"
            + "4\t9\t/home/postgres/.pgpass\n"
            + "9\t12\t/pglite/share/postgresql/timezone/UTC\n";

    private final byte[] data = "progpass:UTC".getBytes(StandardCharsets.US_ASCII);

    @Test
    void bundleFilesAreSlicesOfTheSharedArrayNotCopies() throws Exception {
        FileSystem fs = pglite(DataBundle.of(data, MANIFEST));

        data[9] = 'X';

        assertEquals("XTC", new String(fs.readAllBytes("/pglite/share/postgresql/timezone/UTC"), StandardCharsets.US_ASCII));
        assertArrayEquals("prog".getBytes(StandardCharsets.US_ASCII), fs.readAllBytes("/pglite/bin/postgres"));
    }

    @Test
    void writingABundleFileCopiesItForThisInstanceOnly() throws Exception {
        DataBundle bundle = DataBundle.of(data, MANIFEST);
        FileSystem first = pglite(bundle);
        FileSystem second = pglite(bundle);

        OpenFile file = first.open("/pglite/share/postgresql/timezone/UTC", EnumSet.of(OpenFlag.WRITE), 0);
        file.writeAt(0, new byte[] {'Z'}, 0, 1);

        assertEquals("ZTC", new String(first.readAllBytes("/pglite/share/postgresql/timezone/UTC"), StandardCharsets.US_ASCII));
        assertEquals("UTC", new String(second.readAllBytes("/pglite/share/postgresql/timezone/UTC"), StandardCharsets.US_ASCII));
        assertEquals('U', data[9]);
    }

    @Test
    void theStandardLayoutSetsThePgliteModes() throws Exception {
        FileSystem fs = pglite(DataBundle.of(data, MANIFEST));

        assertEquals(0100555, fs.stat("/pglite/bin/postgres", true).mode());
        assertEquals(0100600, fs.stat("/home/postgres/.pgpass", true).mode());
        assertEquals(0100644, fs.stat("/pglite/share/postgresql/timezone/UTC", true).mode());
        assertEquals(040755, fs.stat("/pglite/share", true).mode());
        for (String directory : new String[] {"/tmp", "/home", "/dev/shm", "/proc/self/fd"}) {
            assertEquals(FileType.DIRECTORY, fs.stat(directory, true).type(), directory);
        }
        assertEquals(0020666, fs.stat("/dev/null", true).mode());
        assertThrowsErrno(Errno.EACCES, () -> fs.open("/pglite/bin/postgres", EnumSet.of(OpenFlag.WRITE), 0));
    }

    @Test
    void theClusterVolumeIsMountedAsPgdata() throws Exception {
        MemoryVolume cluster = MemoryVolume.empty();
        FileSystem fs = FileSystem.forPglite(DataBundle.of(data, MANIFEST), cluster, new Random(1));

        fs.mkdir("/pglite/data/base", 0700);

        assertEquals(FileType.DIRECTORY, cluster.root().lookup("base").type());
        assertEquals(040700, fs.stat("/pglite/data", true).mode());
    }

    @Test
    void randomDevicesReadFromTheInjectedSource() throws Exception {
        FileSystem fs = pglite(DataBundle.of(data, MANIFEST));
        byte[] expected = new byte[16];
        new Random(7).nextBytes(expected);

        byte[] read = new byte[16];
        fs.open("/dev/urandom", EnumSet.of(OpenFlag.READ), 0).read(read, 0, 16);

        assertArrayEquals(expected, read);
    }

    @Test
    void theNullDeviceSwallowsWritesAndReadsNothing() throws Exception {
        OpenFile devNull = pglite(DataBundle.of(data, MANIFEST))
                .open("/dev/null", EnumSet.of(OpenFlag.READ, OpenFlag.WRITE), 0);

        assertEquals(3, devNull.write(new byte[3], 0, 3));
        assertEquals(0, devNull.read(new byte[3], 0, 3));
        assertThrowsErrno(Errno.ESPIPE, () -> devNull.seek(0, OpenFile.Whence.SET));
    }

    @Test
    void aBundleOfTheWrongSizeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataBundle.of(new byte[11], MANIFEST));

        assertTrue(e.getMessage().contains("11 bytes (expected: 12"), e.getMessage());
    }

    @Test
    void aMalformedManifestLineIsRejectedByNumber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataBundle.of(data, "# pglite.data 12\n0\t4\t/a\n4\t20\t/b\n"));

        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void aManifestWithoutItsHeaderIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataBundle.of(data, "0\t4\t/a\n"));

        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    private static FileSystem pglite(DataBundle bundle) {
        return FileSystem.forPglite(bundle, MemoryVolume.empty(), new Random(7));
    }
}
