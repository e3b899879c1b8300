package io.pglite.core.fs;

/** A character device in the tree, such as {@code /dev/null}. */
final class DeviceNode extends MemoryNode {
    private final Device device;

    DeviceNode(MemoryVolume volume, int permissions, Device device) {
        super(volume, permissions, now());
        this.device = device;
    }

    Device device() {
        return device;
    }

    @Override
    public FileType type() {
        return FileType.CHARACTER_DEVICE;
    }

    @Override
    long size() {
        return 0;
    }
}
