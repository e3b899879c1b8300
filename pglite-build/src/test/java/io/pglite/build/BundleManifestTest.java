package io.pglite.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pglite.build.BundleManifest.Entry;
import java.util.List;
import org.junit.jupiter.api.Test;

class BundleManifestTest {

    private static final String GLUE = "loadPackage({files:[{filename:\"/home/postgres/.pgpass\",start:0,end:204},"
            + "{filename:\"/pglite/bin/initdb\",start:204,end:223},{filename:\"/pglite/empty\",start:223,end:223},"
            + "{filename:\"/pglite/bin/postgres\",start:223,end:242}],remote_package_size:242})";

    @Test
    void parsesEntriesInOrder() {
        List<Entry> entries = BundleManifest.parse(GLUE, 242);

        assertEquals(List.of(new Entry("/home/postgres/.pgpass", 0, 204), new Entry("/pglite/bin/initdb", 204, 223),
                new Entry("/pglite/empty", 223, 223), new Entry("/pglite/bin/postgres", 223, 242)), entries);
    }

    @Test
    void formatsSizeLineThenTabSeparatedRanges() {
        String manifest = BundleManifest.format(BundleManifest.parse(GLUE, 242), 242);

        assertEquals("# pglite.data 242\n0\t204\t/home/postgres/.pgpass\n204\t223\t/pglite/bin/initdb\n"
                + "223\t223\t/pglite/empty\n223\t242\t/pglite/bin/postgres\n", manifest);
    }

    @Test
    void refusesDataFileOfAnotherSize() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> BundleManifest.parse(GLUE, 243));

        assertEquals("data file size: 243 (expected: 242, the glue's remote_package_size)", e.getMessage());
    }

    @Test
    void refusesGap() {
        String glue = GLUE.replace("start:204,end:223", "start:205,end:223");

        assertThrows(IllegalArgumentException.class, () -> BundleManifest.parse(glue, 242));
    }

    @Test
    void refusesRangesThatStopShortOfTheEnd() {
        String glue = GLUE.replace("remote_package_size:242", "remote_package_size:300");

        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> BundleManifest.parse(glue, 300));
        assertEquals("bundle entries cover 242 bytes (expected: 300)", e.getMessage());
    }

    @Test
    void refusesGlueWithoutPackageSize() {
        assertThrows(IllegalArgumentException.class, () -> BundleManifest.parse("{files:[]}", 0));
    }
}
