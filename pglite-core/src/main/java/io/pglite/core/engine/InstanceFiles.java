package io.pglite.core.engine;

import com.dylibso.chicory.runtime.HostFunction;
import io.pglite.core.fs.FileSystem;
import io.pglite.core.fs.MemoryVolume;
import io.pglite.core.fs.Volume;
import io.pglite.core.wasm.FileSystemImports;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The file system of one instance, and where the backend's output goes: standard output and
 * PostgreSQL's log (standard error) are logged under {@code io.pglite.postgres}, and the last log
 * lines are kept to explain a failed start. Successive backends of the instance may use it in turn
 * (one that creates the database, then the one on it): each start binds new descriptors to the same
 * files, once the previous backend is closed.
 */
public final class InstanceFiles {
    private static final System.Logger POSTGRES = System.getLogger("io.pglite.postgres");
    private static final int KEPT_LINES = 20;

    private final String name;
    private final FileSystem fs;
    private final Deque<String> recentLog = new ArrayDeque<>();
    private FileSystemImports imports;

    private InstanceFiles(String name, FileSystem fs) {
        this.name = name;
        this.fs = fs;
    }

    /** An in-memory file system whose PGDATA starts as a copy-on-write view of the shipped cluster. */
    public static InstanceFiles inMemory(String name) {
        return withCluster(name, MemoryVolume.of(EngineAssets.cluster()));
    }

    /** The standard layout with a locked host directory as PGDATA; files are read and written in place. */
    public static InstanceFiles onHostDirectory(String name, ClusterDirectory directory) {
        return withCluster(name, directory.volume());
    }

    /** The standard layout with {@code cluster} mounted as PGDATA. */
    static InstanceFiles withCluster(String name, Volume cluster) {
        return new InstanceFiles(name, FileSystem.forPglite(EngineAssets.bundle(), cluster, new SecureRandom()));
    }

    List<HostFunction> hostFunctions(FileSystemImports.Allocator allocator) {
        imports = new FileSystemImports(fs, allocator, this::stdout, this::stderr);
        return imports.toHostFunctions();
    }

    /** Descriptors and in-memory files now, for an engine snapshot. */
    FileSystemImports.Snapshot capture() {
        return imports.capture();
    }

    void restore(FileSystemImports.Snapshot snapshot) {
        imports.restore(snapshot);
    }

    /** Whether {@code snapshot} was captured of these files (rather than of another instance's). */
    boolean owns(FileSystemImports.Snapshot snapshot) {
        return imports.owns(snapshot);
    }

    /** Closes what the backend left open; host files of a data directory must not leak. */
    void closeDescriptors() {
        if (imports != null) {
            imports.closeAll();
        }
    }

    /** The content of a file, or {@code null} when there is none at {@code path}. */
    private void stdout(String line) {
        POSTGRES.log(Level.TRACE, () -> name + " stdout: " + line);
    }

    private void stderr(String line) {
        if (recentLog.size() == KEPT_LINES) {
            recentLog.removeFirst();
        }
        recentLog.addLast(line);
        POSTGRES.log(severity(line), () -> name + ": " + line);
    }

    private static Level severity(String line) {
        if (line.startsWith("FATAL") || line.startsWith("PANIC")) {
            return Level.ERROR;
        }
        return line.startsWith("WARNING") ? Level.WARNING : Level.DEBUG;
    }

    /** The backend's last log lines, as a suffix for an error message; empty if there are none. */
    String recentLog() {
        return recentLog.isEmpty() ? "" : "\nPostgreSQL log:\n  " + String.join("\n  ", recentLog);
    }
}
