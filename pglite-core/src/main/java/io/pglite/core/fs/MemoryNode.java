package io.pglite.core.fs;

import java.time.Instant;

/** The inode part of an in-memory node: number, permission bits and times. */
abstract class MemoryNode implements Node {
    private final MemoryVolume volume;
    private final long inode;
    private int permissions;
    private long accessTime;
    private long modifyTime;
    private long changeTime;

    MemoryNode(MemoryVolume volume, int permissions, long modifyTime) {
        this.volume = volume;
        this.inode = volume.nextInode();
        this.permissions = permissions & 07777;
        this.accessTime = modifyTime;
        this.modifyTime = modifyTime;
        this.changeTime = modifyTime;
    }

    @Override
    public final MemoryVolume volume() {
        return volume;
    }

    @Override
    public final long inode() {
        return inode;
    }

    @Override
    public final Stat stat() {
        return new Stat(volume.device(), inode, type(), permissions, size(), accessTime, modifyTime, changeTime);
    }

    /** {@code st_size}. */
    abstract long size();

    final int permissions() {
        return permissions;
    }

    final long modifyTime() {
        return modifyTime;
    }

    @Override
    public final void chmod(int permissions) {
        this.permissions = permissions & 07777;
        changeTime = now();
    }

    @Override
    public final void setTimes(long accessTime, long modifyTime) {
        if (accessTime != FileSystem.UNCHANGED) {
            this.accessTime = accessTime;
        }
        if (modifyTime != FileSystem.UNCHANGED) {
            this.modifyTime = modifyTime;
        }
        changeTime = now();
    }

    /** Permission bits and times, for a snapshot. */
    long[] metadata() {
        return new long[] {permissions, accessTime, modifyTime, changeTime};
    }

    void restoreMetadata(long[] metadata) {
        permissions = (int) metadata[0];
        accessTime = metadata[1];
        modifyTime = metadata[2];
        changeTime = metadata[3];
    }

    /** What a snapshot keeps of this node besides its metadata; null when nothing else changes. */
    Object captureContent() {
        return null;
    }

    void restoreContent(Object content) {
    }

    /** Records a change of content. */
    final void modified() {
        modifyTime = now();
        changeTime = modifyTime;
    }

    static long now() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
