package io.pglite.core.fs;

/** Immutable file bytes, safe to share between instances on different threads. */
sealed interface SharedContent extends FileContent permits BundleSlice, FrozenContent, PackedContent {
    /** A private, writable copy that shares as much of this content as it can. */
    ChunkedContent writableCopy();
}
