package io.pglite.core.fs;

import java.util.List;

/**
 * A directory's own operations on its entries. POSIX rules that need more than one directory
 * (types, emptiness, mount points, volumes) are checked by {@link FileSystem} before these run.
 */
interface Directory extends Node {
    /** The entry called {@code name}, or {@code null}. */
    Node lookup(String name) throws ErrnoException;

    /** The entries sorted by name, without {@code .} and {@code ..}. */
    List<DirEntry> entries() throws ErrnoException;

    boolean isEmpty() throws ErrnoException;

    /** Creates an empty regular file; {@code EEXIST} if the name is taken. */
    RegularFile createFile(String name, int permissions) throws ErrnoException;

    Directory createDirectory(String name, int permissions) throws ErrnoException;

    void createSymlink(String name, String target) throws ErrnoException;

    /** Removes the entry (a file, or a directory the caller found empty). */
    void remove(String name) throws ErrnoException;

    /** Moves an entry to {@code target} on the same volume, replacing what is there in one step. */
    void move(String name, Directory target, String targetName) throws ErrnoException;
}
