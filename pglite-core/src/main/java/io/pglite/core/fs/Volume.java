package io.pglite.core.fs;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A tree of files that can be mounted at a directory of a {@link FileSystem}: kept in memory
 * ({@link MemoryVolume}) or mapped onto a host directory ({@link HostVolume}). Files cannot be
 * renamed from one volume to another ({@code EXDEV}).
 */
public abstract sealed class Volume permits MemoryVolume, HostVolume {
    private static final AtomicLong DEVICES = new AtomicLong();

    private final long device = DEVICES.incrementAndGet();

    Volume() {
    }

    /** {@code st_dev} of its files. */
    final long device() {
        return device;
    }

    abstract Directory root();
}
