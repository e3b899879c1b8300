package io.pglite.core.fs;

import java.nio.file.Path;

/** A node standing for a host path; created on each lookup, equal to any other for the same path. */
abstract class HostNode implements Node {
    final HostVolume volume;
    final Path path;

    HostNode(HostVolume volume, Path path) {
        this.volume = volume;
        this.path = path;
    }

    @Override
    public final HostVolume volume() {
        return volume;
    }

    @Override
    public final Stat stat() throws ErrnoException {
        return volume.stat(path, type());
    }

    @Override
    public final void chmod(int permissions) throws ErrnoException {
        volume.chmod(path, permissions);
    }

    @Override
    public final void setTimes(long accessTime, long modifyTime) throws ErrnoException {
        volume.setTimes(path, accessTime, modifyTime);
    }

    @Override
    public final boolean equals(Object other) {
        return other instanceof HostNode node && node.volume == volume && node.path.equals(path);
    }

    @Override
    public final int hashCode() {
        return path.hashCode();
    }
}
