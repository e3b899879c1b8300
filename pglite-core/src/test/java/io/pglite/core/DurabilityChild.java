package io.pglite.core;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link DataDirectoryTest}: opens a durable directory, commits numbered
 * rows one transaction at a time and reports each acknowledged commit on stdout, then waits to be
 * killed.
 */
public final class DurabilityChild {
    private DurabilityChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        Pglite pg = Pglite.builder().withDataDirectory(DataDirectory.at(Path.of(args[0]))).start();
        pg.query("CREATE TABLE IF NOT EXISTS acknowledged (n int PRIMARY KEY)");
        System.out.println("started");
        for (int n = 1; n <= Integer.parseInt(args[1]); n++) {
            pg.query("INSERT INTO acknowledged VALUES (" + n + ")");
            System.out.println("committed " + n);
            System.out.flush();
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
