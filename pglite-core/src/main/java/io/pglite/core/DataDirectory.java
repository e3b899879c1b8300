package io.pglite.core;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an instance keeps its cluster.
 *
 * <ul>
 *   <li>{@link #memory()} (the default): in the JVM's heap, gone when the instance closes; nothing
 *       touches the disk.</li>
 *   <li>{@link #temporary()}: a new directory under the system temp dir (or a given parent),
 *       deleted on close unless {@link #keepAfterClose()} asks to leave it for inspection. Runs
 *       without fsync: fast, and not meant to survive a crash.</li>
 *   <li>{@link #at(Path)}: a directory of yours. An empty or missing one is initialised; one that
 *       holds a cluster is reopened with its data; anything else is refused. Durable by default
 *       (fsync on): committed transactions survive a crash of the JVM.</li>
 * </ul>
 *
 * Host directories are locked while an instance uses them: a second instance on the same
 * directory, in this JVM or another process, fails at once naming the holder.
 */
public final class DataDirectory {
    enum Kind { MEMORY, TEMPORARY, PATH }

    private static final DataDirectory MEMORY = new DataDirectory(Kind.MEMORY, null, false);

    private final Kind kind;
    private final Path path;
    private final boolean keep;

    private DataDirectory(Kind kind, Path path, boolean keep) {
        this.kind = kind;
        this.path = path;
        this.keep = keep;
    }

    /** In memory: ephemeral, the default. */
    public static DataDirectory memory() {
        return MEMORY;
    }

    /** A new temporary directory under {@code java.io.tmpdir}. */
    public static DataDirectory temporary() {
        return new DataDirectory(Kind.TEMPORARY, Path.of(System.getProperty("java.io.tmpdir")), false);
    }

    /** A new temporary directory under {@code parent}. */
    public static DataDirectory temporaryUnder(Path parent) {
        return new DataDirectory(Kind.TEMPORARY, Objects.requireNonNull(parent, "parent"), false);
    }

    /** The directory {@code path}: created and initialised when missing or empty, reopened when it holds a cluster. */
    public static DataDirectory at(Path path) {
        return new DataDirectory(Kind.PATH, Objects.requireNonNull(path, "path").toAbsolutePath(), false);
    }

    /**
     * Parses the standalone server's {@code --data-dir} value: {@code memory://}, {@code temp://}
     * or a path.
     */
    public static DataDirectory parse(String value) {
        Objects.requireNonNull(value, "value");
        if (value.equals("memory://")) {
            return memory();
        }
        if (value.equals("temp://")) {
            return temporary();
        }
        if (value.isBlank() || value.contains("://")) {
            throw new IllegalArgumentException("data dir: '" + value + "' (expected: memory://, temp:// or a path)");
        }
        return at(Path.of(value));
    }

    /**
     * For a temporary directory: leave it in place after close (its path is logged), to inspect it.
     *
     * @throws IllegalStateException for other kinds
     */
    public DataDirectory keepAfterClose() {
        if (kind != Kind.TEMPORARY) {
            throw new IllegalStateException("keepAfterClose applies to temporary data directories, not to " + this);
        }
        return new DataDirectory(kind, path, true);
    }

    Kind kind() {
        return kind;
    }

    Path path() {
        return path;
    }

    boolean keep() {
        return keep;
    }

    @Override
    public String toString() {
        switch (kind) {
            case MEMORY: return "memory://";
            case TEMPORARY: return "temporary directory under " + path + (keep ? " (kept)" : "");
            default: return path.toString();
        }
    }
}
