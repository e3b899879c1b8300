package io.pglite.core.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** The bytes of an open host file, read and written in place. */
final class HostChannel implements FileStorage {
    private final FileChannel channel;
    private final Path path;

    HostChannel(FileChannel channel, Path path) {
        this.channel = channel;
        this.path = path;
    }

    @Override
    public int read(long position, byte[] into, int offset, int length) throws ErrnoException {
        ByteBuffer buffer = ByteBuffer.wrap(into, offset, length);
        try {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position() - offset) < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            throw HostVolume.errno(e, path);
        }
        return buffer.position() - offset;
    }

    @Override
    public void write(long position, byte[] from, int offset, int length) throws ErrnoException {
        ByteBuffer buffer = ByteBuffer.wrap(from, offset, length);
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer, position + buffer.position() - offset);
            }
        } catch (IOException e) {
            throw HostVolume.errno(e, path);
        }
    }

    @Override
    public long size() throws ErrnoException {
        try {
            return channel.size();
        } catch (IOException e) {
            throw HostVolume.errno(e, path);
        }
    }

    /** {@link FileChannel#truncate} only shrinks; growing writes a zero at the new last byte. */
    @Override
    public void truncate(long size) throws ErrnoException {
        long current = size();
        try {
            if (size < current) {
                channel.truncate(size);
            } else if (size > current) {
                channel.write(ByteBuffer.allocate(1), size - 1);
            }
        } catch (IOException e) {
            throw HostVolume.errno(e, path);
        }
    }

    @Override
    public void sync(boolean metadata) throws ErrnoException {
        try {
            channel.force(metadata);
        } catch (IOException e) {
            throw HostVolume.errno(e, path);
        }
    }

    @Override
    public void close() throws ErrnoException {
        try {
            channel.close();
        } catch (IOException e) {
            throw HostVolume.errno(e, path);
        }
    }
}
