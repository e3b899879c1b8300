package io.pglite.flyway;

import io.pglite.core.Snapshot;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Migrated snapshots: one per {@link MigrationKey} in this JVM (whoever asks first migrates, everyone
 * else waits for that result, failures included), and one file per settings key on disk, headed by
 * the full key, so that a later JVM with unchanged migrations reads it instead of migrating. A file
 * that is damaged, foreign or of other migrations is never used: it is replaced.
 */
final class MigrationCache {
    private static final System.Logger LOG = System.getLogger(MigrationCache.class.getName());
    private static final String MAGIC = "pglite-flyway cache";
    /** Cache files unused for this long are deleted when another is written: settings and builds of the past. */
    static final java.time.Duration UNUSED_FOR = java.time.Duration.ofDays(30);
    private static final ConcurrentMap<String, CompletableFuture<Snapshot>> IN_JVM = new ConcurrentHashMap<>();

    private MigrationCache() {
    }

    /**
     * The snapshot for {@code key}: from this JVM, else from {@code directory} (null: no disk cache),
     * else made by {@code migrate} and stored in both.
     */
    static Snapshot get(MigrationKey key, Path directory, String what, Supplier<Snapshot> migrate) {
        CompletableFuture<Snapshot> mine = new CompletableFuture<>();
        CompletableFuture<Snapshot> earlier = IN_JVM.putIfAbsent(key.value(), mine);
        if (earlier == null) {
            try {
                Snapshot snapshot = loadOrMigrate(key, directory, what, migrate);
                mine.complete(snapshot);
                return snapshot;
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return earlier.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            throw new FlywayMigrationException(cause.getMessage(), cause);
        }
    }

    /** Forgets this JVM's snapshots, so that the next request goes to the disk: for tests of the disk cache. */
    static void clearInJvm() {
        IN_JVM.clear();
    }

    private static Snapshot loadOrMigrate(MigrationKey key, Path directory, String what, Supplier<Snapshot> migrate) {
        Path file = directory == null ? null : directory.resolve("flyway-" + key.settingsKey() + ".snapshot");
        if (file != null) {
            Snapshot cached = read(file, key);
            if (cached != null) {
                markUsed(file);
                LOG.log(Level.INFO, "pglite-flyway: {0} unchanged; using the migrated snapshot in {1}", what, file);
                return cached;
            }
        }
        Snapshot snapshot = migrate.get();
        if (file != null) {
            write(file, key, snapshot);
        }
        return snapshot;
    }

    /** The cached snapshot, or null when there is none usable (with the reason logged). */
    private static Snapshot read(Path file, MigrationKey key) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DataInputStream header = new DataInputStream(in);
            String magic;
            String cachedKey;
            try {
                magic = header.readUTF();
                cachedKey = header.readUTF();
            } catch (IOException e) {
                magic = null;
                cachedKey = null;
            }
            if (!MAGIC.equals(magic)) {
                LOG.log(Level.WARNING, "pglite-flyway: ignoring {0}: not a pglite-flyway cache file; migrating again", file);
                return null;
            }
            if (!key.value().equals(cachedKey)) {
                LOG.log(Level.INFO, "pglite-flyway: the migrations changed since {0} was written; migrating again", file);
                return null;
            }
            return Snapshot.readFrom(in, "cache file " + file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "pglite-flyway: ignoring {0}: {1}; migrating again", file, e.getMessage());
            return null;
        }
    }

    /** A cache hit counts as use: the file's time is what {@link #deleteUnused} goes by. */
    private static void markUsed(Path file) {
        try {
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "pglite-flyway: could not touch " + file, e);
        }
    }

    /** Deletes cache files not used for {@link #UNUSED_FOR}, so that a long-lived CI cache does not grow without end. */
    private static void deleteUnused(Path directory) {
        long cutoff = System.currentTimeMillis() - UNUSED_FOR.toMillis();
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(directory, "flyway-*.snapshot")) {
            for (Path file : files) {
                if (Files.getLastModifiedTime(file).toMillis() < cutoff) {
                    Files.deleteIfExists(file);
                    LOG.log(Level.DEBUG, "pglite-flyway: deleted {0}, unused for {1} days", file, UNUSED_FOR.toDays());
                }
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "pglite-flyway: could not clean up " + directory, e);
        }
    }

    private static void write(Path file, MigrationKey key, Snapshot snapshot) {
        Path temporary = null;
        try {
            Files.createDirectories(file.getParent());
            temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16)) {
                DataOutputStream header = new DataOutputStream(out);
                header.writeUTF(MAGIC);
                header.writeUTF(key.value());
                header.flush();
                snapshot.writeTo(out);
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.log(Level.DEBUG, "pglite-flyway: wrote {0}", file);
            deleteUnused(file.getParent());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "pglite-flyway: could not write the cache file {0} ({1}); the next JVM migrates again",
                    file, e.toString());
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "pglite-flyway: could not delete " + temporary, e);
                }
            }
        }
    }
}
