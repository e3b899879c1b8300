package io.pglite.core.fs;

import java.nio.charset.StandardCharsets;

/** An in-memory symbolic link; path resolution follows it. */
final class Symlink extends MemoryNode {
    private final String target;

    Symlink(MemoryVolume volume, String target, long modifyTime) {
        super(volume, 0777, modifyTime);
        this.target = target;
    }

    String target() {
        return target;
    }

    @Override
    public FileType type() {
        return FileType.SYMLINK;
    }

    @Override
    long size() {
        return target.getBytes(StandardCharsets.UTF_8).length;
    }
}
