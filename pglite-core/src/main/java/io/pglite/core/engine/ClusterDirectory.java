package io.pglite.core.engine;

import io.pglite.core.fs.HostVolume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A host directory holding a cluster, locked for one instance: initialised from the shipped
 * cluster when empty, reopened when it holds a PostgreSQL 18 cluster, refused otherwise.
 *
 * <p>The lock is an OS file lock on {@value #LOCK_FILE} in the directory, which also records the
 * holder (process id, instance, start time) for the message a second opener gets. The OS drops the
 * lock when its process dies, so a stale lock from a killed JVM is simply taken over.
 */
public final class ClusterDirectory implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClusterDirectory.class.getName());
    static final String LOCK_FILE = ".pglite.lock";
    /** Directories locked by instances of this JVM, with the holder's description. */
    private static final Map<Path, String> LOCKED_HERE = new ConcurrentHashMap<>();

    private final Path directory;
    private final boolean deleteOnClose;
    private final boolean initialised;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private ClusterDirectory(Path directory, boolean deleteOnClose, boolean initialised, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.deleteOnClose = deleteOnClose;
        this.initialised = initialised;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Locks and prepares {@code directory} for instance {@code owner}.
     *
     * @throws EngineStartException when the directory is locked, foreign or unusable
     */
    public static ClusterDirectory open(Path directory, String owner) {
        return prepare(directory.toAbsolutePath().normalize(), owner, false);
    }

    /** Creates, locks and initialises a new temporary directory under {@code parent}. */
    public static ClusterDirectory temporary(Path parent, String owner, boolean keep) {
        Path directory;
        try {
            Files.createDirectories(parent);
            directory = Files.createTempDirectory(parent, "pglite-" + owner + "-");
        } catch (IOException e) {
            throw new EngineStartException("could not create a temporary data directory under " + parent + ": " + e);
        }
        return prepare(directory.toAbsolutePath().normalize(), owner, !keep);
    }

    private static ClusterDirectory prepare(Path directory, String owner, boolean deleteOnClose) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new EngineStartException("could not create data directory " + directory + ": " + e);
        }
        String holder = "process " + ProcessHandle.current().pid() + ", instance " + owner + ", since " + Instant.now();
        String localHolder = LOCKED_HERE.putIfAbsent(directory, holder);
        if (localHolder != null) {
            throw new EngineStartException("data directory " + directory + " is in use by " + localHolder
                    + " in this JVM; close that instance first or use another directory");
        }
        FileChannel channel = null;
        Path lockFile = directory.resolve(LOCK_FILE);
        boolean lockFileIsNew = !Files.exists(lockFile);
        try {
            channel = FileChannel.open(lockFile,
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new EngineStartException("data directory " + directory + " is in use by "
                        + readHolder(channel) + "; stop that process or use another directory");
            }
            String previous = readHolder(channel);
            if (!previous.isEmpty()) {
                LOG.log(Level.INFO, "{0}: taking over the lock of {1}, which ended without releasing it", directory, previous);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(true);
            boolean initialised = initialiseOrCheck(directory);
            return new ClusterDirectory(directory, deleteOnClose, initialised, channel, lock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            if (lockFileIsNew) {
                deleteQuietly(lockFile); // leave a refused directory as it was
            }
            LOCKED_HERE.remove(directory, holder);
            if (e instanceof EngineStartException) {
                throw (EngineStartException) e;
            }
            throw new EngineStartException("could not open data directory " + directory + ": " + e);
        }
    }

    private static String readHolder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 4096));
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).trim();
    }

    /** True when it initialised a new cluster, false when it checked an existing one. */
    private static boolean initialiseOrCheck(Path directory) throws IOException {
        Path version = directory.resolve("PG_VERSION");
        if (Files.isRegularFile(version)) {
            String major = Files.readString(version).trim();
            if (!major.equals(EngineAssets.postgresMajor())) {
                throw new EngineStartException("data directory " + directory + " holds a PostgreSQL " + major
                        + " cluster; pglite-java runs PostgreSQL " + EngineAssets.postgresMajor()
                        + ": use another directory, or upgrade the cluster with PostgreSQL's pg_upgrade");
            }
            // the lock proves no backend runs here: a pid file is left over from a crash
            Files.deleteIfExists(directory.resolve("postmaster.pid"));
            return false;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            if (entries.anyMatch(p -> !p.getFileName().toString().equals(LOCK_FILE))) {
                throw new EngineStartException("data directory " + directory
                        + " is not empty and holds no PostgreSQL cluster (no PG_VERSION): use an empty or new directory");
            }
        }
        try {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: PostgreSQL's permission check does not apply either
        }
        EngineAssets.cluster().writeTo(directory);
        LOG.log(Level.DEBUG, "initialised a new cluster in {0}", directory);
        return true;
    }

    /** The directory as a volume for the instance's file system. */
    HostVolume volume() {
        return HostVolume.of(directory);
    }

    /** Whether opening it initialised a new cluster: a copy of the shipped one, with only its databases. */
    public boolean initialised() {
        return initialised;
    }

    /** Where the cluster lives. */
    public Path path() {
        return directory;
    }

    /** Releases the lock; deletes a temporary directory unless it is kept. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not release the lock of " + directory, e);
        }
        closeQuietly(lockChannel);
        LOCKED_HERE.remove(directory);
        if (deleteOnClose) {
            deleteRecursively(directory);
        }
    }

    private static void deleteRecursively(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete temporary data directory " + root, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "could not delete " + file, e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing a lock file failed", e);
            }
        }
    }
}
