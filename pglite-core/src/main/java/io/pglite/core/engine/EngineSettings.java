package io.pglite.core.engine;

/**
 * What a backend is started with.
 *
 * @param user the PostgreSQL user the single-user backend runs as
 * @param database the database it opens
 * @param maxMemoryPages ceiling of the wasm linear memory in 64 KiB pages (at most 32767)
 * @param fsync whether PostgreSQL flushes its writes (durable) or not (fast)
 * @param preloadLibraries side modules loaded at start ({@code shared_preload_libraries}), e.g.
 *        {@code pg_stat_statements}, which needs shared memory set aside before the backend runs
 */
public record EngineSettings(String user, String database, int maxMemoryPages, boolean fsync,
        java.util.List<String> preloadLibraries) {
    public EngineSettings {
        preloadLibraries = java.util.List.copyOf(preloadLibraries);
    }

    /** The same settings for a backend that opens {@code other}. */
    public EngineSettings onDatabase(String other) {
        return new EngineSettings(user, other, maxMemoryPages, fsync, preloadLibraries);
    }
}
