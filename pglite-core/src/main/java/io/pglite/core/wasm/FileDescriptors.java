package io.pglite.core.wasm;

import io.pglite.core.fs.Errno;
import io.pglite.core.fs.ErrnoException;
import io.pglite.core.fs.OpenFile;
import java.util.Arrays;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The descriptor table of the process: numbers to open files, with the close-on-exec flag per
 * number. Descriptors made by {@code dup} share one open file, which is closed only when the last
 * of them is (initdb's {@code freopen} is open, {@code dup3} onto 1, close the original).
 */
final class FileDescriptors {
    /** More than PostgreSQL's start-up probe of 1,000 {@code dup(2)} calls needs. */
    static final int MAX = 4096;

    private OpenFile[] files = new OpenFile[64];
    private final BitSet closeOnExec = new BitSet();
    private final Map<OpenFile, Integer> references = new IdentityHashMap<>();

    /** A table with standard input, output and error open as 0, 1 and 2. */
    FileDescriptors(OpenFile stdin, OpenFile stdout, OpenFile stderr) {
        install(0, stdin, false);
        install(1, stdout, false);
        install(2, stderr, false);
    }

    /** Installs {@code file} at the lowest free number not below {@code lowest}. */
    int add(OpenFile file, int lowest, boolean cloexec) throws ErrnoException {
        for (int fd = lowest; fd < MAX; fd++) {
            if (fd >= files.length || files[fd] == null) {
                install(fd, file, cloexec);
                return fd;
            }
        }
        throw new ErrnoException(Errno.EMFILE, MAX + " descriptors open");
    }

    /** Installs {@code file} at {@code fd}, closing what was there ({@code dup3}). */
    void put(int fd, OpenFile file, boolean cloexec) throws ErrnoException {
        if (fd < 0 || fd >= MAX) {
            throw new ErrnoException(Errno.EBADF, "descriptor " + fd);
        }
        if (fd < files.length && files[fd] != null) {
            close(fd);
        }
        install(fd, file, cloexec);
    }

    OpenFile get(int fd) throws ErrnoException {
        OpenFile file = fd >= 0 && fd < files.length ? files[fd] : null;
        if (file == null) {
            throw new ErrnoException(Errno.EBADF, "descriptor " + fd);
        }
        return file;
    }

    /** Frees the number; closes the open file if no other descriptor refers to it. */
    void close(int fd) throws ErrnoException {
        OpenFile file = get(fd);
        files[fd] = null;
        closeOnExec.clear(fd);
        int left = references.merge(file, -1, Integer::sum);
        if (left == 0) {
            references.remove(file);
            file.close();
        }
    }

    /** Closes every descriptor, ignoring failures: the program is gone and its host files must not leak. */
    void closeAll() {
        for (int fd = 0; fd < files.length; fd++) {
            if (files[fd] != null) {
                try {
                    close(fd);
                } catch (ErrnoException e) {
                    // already reported by the file; nothing else can be done for it now
                }
            }
        }
    }

    /** The table now, with each open file's position, for {@link #restore}. */
    State capture() {
        Map<OpenFile, Long> positions = new IdentityHashMap<>();
        references.keySet().forEach(file -> positions.put(file, file.position()));
        return new State(files.clone(), (BitSet) closeOnExec.clone(), new IdentityHashMap<>(references), positions);
    }

    /** Puts the table back as captured; files opened since and not in it are closed. */
    void restore(State state) {
        for (OpenFile file : references.keySet()) {
            if (!state.references.containsKey(file)) {
                try {
                    file.close();
                } catch (ErrnoException e) {
                    // a file opened after the snapshot; nothing refers to it any more
                }
            }
        }
        files = state.files.clone();
        closeOnExec.clear();
        closeOnExec.or(state.closeOnExec);
        references.clear();
        references.putAll(state.references);
        state.positions.forEach(OpenFile::restorePosition);
    }

    /**
     * Takes over the table of another process (a clone): its open files translated into this
     * process's file system, each translated once however many descriptors share it; files that do
     * not translate (the standard streams) stay this table's own.
     */
    void restoreCopy(State foreign, java.util.function.UnaryOperator<OpenFile> translate) {
        Map<OpenFile, OpenFile> translated = new IdentityHashMap<>();
        OpenFile[] copy = new OpenFile[Math.max(foreign.files.length, files.length)];
        for (int fd = 0; fd < foreign.files.length; fd++) {
            OpenFile theirs = foreign.files[fd];
            if (theirs == null) {
                continue;
            }
            OpenFile mine = translated.computeIfAbsent(theirs, translate);
            copy[fd] = mine != null ? mine : fd < files.length ? files[fd] : null;
        }
        Map<OpenFile, Integer> counts = new IdentityHashMap<>();
        for (OpenFile file : copy) {
            if (file != null) {
                counts.merge(file, 1, Integer::sum);
            }
        }
        for (OpenFile file : references.keySet()) {
            if (!counts.containsKey(file)) {
                try {
                    file.close();
                } catch (ErrnoException e) {
                    // this process's own file, replaced by the clone's table
                }
            }
        }
        files = copy;
        closeOnExec.clear();
        closeOnExec.or(foreign.closeOnExec);
        references.clear();
        references.putAll(counts);
    }

    /** The open files, for a file-system snapshot (unlinked files included). */
    Iterable<OpenFile> openFiles() {
        return references.keySet();
    }

    /** A captured table. */
    record State(OpenFile[] files, BitSet closeOnExec, Map<OpenFile, Integer> references, Map<OpenFile, Long> positions) {
    }

    boolean closeOnExec(int fd) throws ErrnoException {
        get(fd);
        return closeOnExec.get(fd);
    }

    void setCloseOnExec(int fd, boolean cloexec) throws ErrnoException {
        get(fd);
        closeOnExec.set(fd, cloexec);
    }

    private void install(int fd, OpenFile file, boolean cloexec) {
        if (fd >= files.length) {
            files = Arrays.copyOf(files, Math.min(MAX, Math.max(fd + 1, files.length * 2)));
        }
        files[fd] = file;
        closeOnExec.set(fd, cloexec);
        references.merge(file, 1, Integer::sum);
    }
}
