package io.pglite.core.fs;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A directory of a {@link HostVolume}. */
final class HostDirectory extends HostNode implements Directory {
    HostDirectory(HostVolume volume, Path path) {
        super(volume, path);
    }

    @Override
    public FileType type() {
        return FileType.DIRECTORY;
    }

    @Override
    public Node lookup(String name) throws ErrnoException {
        Path child = child(name);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(child, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw HostVolume.errno(e, child);
        }
        if (attributes.isDirectory()) {
            return new HostDirectory(volume, child);
        }
        return attributes.isRegularFile() ? new HostFile(volume, child) : null;
    }

    @Override
    public List<DirEntry> entries() throws ErrnoException {
        List<DirEntry> entries = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                Node node = lookup(name);
                if (node != null) {
                    entries.add(new DirEntry(name, node.inode(), node.type()));
                }
            }
        } catch (IOException e) {
            throw HostVolume.errno(e, path);
        }
        entries.sort(Comparator.comparing(DirEntry::name));
        return entries;
    }

    @Override
    public boolean isEmpty() throws ErrnoException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
            return !children.iterator().hasNext();
        } catch (IOException e) {
            throw HostVolume.errno(e, path);
        }
    }

    @Override
    public RegularFile createFile(String name, int permissions) throws ErrnoException {
        Path child = child(name);
        try {
            Files.createFile(child);
        } catch (IOException e) {
            throw HostVolume.errno(e, child);
        }
        volume.chmod(child, permissions);
        return new HostFile(volume, child);
    }

    @Override
    public Directory createDirectory(String name, int permissions) throws ErrnoException {
        Path child = child(name);
        try {
            Files.createDirectory(child);
        } catch (IOException e) {
            throw HostVolume.errno(e, child);
        }
        volume.chmod(child, permissions);
        return new HostDirectory(volume, child);
    }

    /** A host link would be resolved by the host, against host paths: not offered. */
    @Override
    public void createSymlink(String name, String target) throws ErrnoException {
        throw new ErrnoException(Errno.EPERM, path.resolve(name) + ": no symbolic links on a host volume");
    }

    @Override
    public void remove(String name) throws ErrnoException {
        Path child = child(name);
        try {
            Files.delete(child);
        } catch (IOException e) {
            throw HostVolume.errno(e, child);
        }
    }

    /** {@code rename(2)} where the host has it: atomic, replacing the target. */
    @Override
    public void move(String name, Directory target, String targetName) throws ErrnoException {
        Path from = child(name);
        Path to = ((HostDirectory) target).child(targetName);
        try {
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw HostVolume.errno(e, from);
        }
    }

    private Path child(String name) throws ErrnoException {
        try {
            return path.resolve(name);
        } catch (InvalidPathException e) {
            throw new ErrnoException(Errno.EINVAL, path + "/" + name, e);
        }
    }
}
