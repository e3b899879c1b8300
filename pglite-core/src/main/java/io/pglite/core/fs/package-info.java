/**
 * The virtual file system under PostgreSQL: an inode tree with POSIX semantics, knowing nothing of
 * WebAssembly. {@link io.pglite.core.fs.FileSystem} is the namespace of one instance, made of
 * volumes: in memory with copy-on-write chunks ({@link io.pglite.core.fs.MemoryVolume}, started from a
 * shared {@link io.pglite.core.fs.ClusterImage}), or a host directory
 * ({@link io.pglite.core.fs.HostVolume}); the read-only PGlite files come from one
 * {@link io.pglite.core.fs.DataBundle} per JVM.
 *
 * <p>Single-threaded by design: a file system and its volumes belong to one engine thread and take
 * no locks. Data bundles and cluster images are immutable and may be shared by any threads.
 * Failures are {@link io.pglite.core.fs.ErrnoException}s carrying an {@link io.pglite.core.fs.Errno}.
 */
package io.pglite.core.fs;
