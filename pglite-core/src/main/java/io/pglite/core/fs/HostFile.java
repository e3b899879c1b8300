package io.pglite.core.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A regular file of a {@link HostVolume}. */
final class HostFile extends HostNode implements RegularFile {
    HostFile(HostVolume volume, Path path) {
        super(volume, path);
    }

    @Override
    public FileType type() {
        return FileType.REGULAR;
    }

    @Override
    public FileStorage open(boolean writable) throws ErrnoException {
        try {
            FileChannel channel = writable
                    ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(path, StandardOpenOption.READ);
            return new HostChannel(channel, path);
        } catch (IOException e) {
            throw HostVolume.errno(e, path);
        }
    }
}
