package io.pglite.core.fs;

/** A regular file: its bytes are reached through a {@link FileStorage}. */
interface RegularFile extends Node {
    /** Opens the bytes; host files get a channel that stays usable after the file is unlinked. */
    FileStorage open(boolean writable) throws ErrnoException;
}
