package io.pglite.core.fs;

/** One entry of a directory listing, including {@code .} and {@code ..}. */
public record DirEntry(String name, long inode, FileType type) {
}
