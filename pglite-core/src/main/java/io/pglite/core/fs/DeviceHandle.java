package io.pglite.core.fs;

import java.util.Set;

/** An open character device: reads and writes go straight to the device, without a position. */
final class DeviceHandle extends NodeHandle {
    private final Device device;

    DeviceHandle(String path, Set<OpenFlag> flags, DeviceNode node) {
        super(path, flags, node);
        this.device = node.device();
    }

    @Override
    public int read(byte[] into, int offset, int length) throws ErrnoException {
        checkReadable();
        return device.read(into, offset, length);
    }

    @Override
    public int write(byte[] from, int offset, int length) throws ErrnoException {
        checkWritable();
        return device.write(from, offset, length);
    }

    @Override
    public void close() {
        device.close();
    }
}
