package io.pglite.core.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-memory directory. Its entries may include the root of another volume: that is how a
 * volume is mounted.
 */
final class MemoryDirectory extends MemoryNode implements Directory {
    private static final int SIZE = 4096;

    private final TreeMap<String, Node> children = new TreeMap<>();

    MemoryDirectory(MemoryVolume volume, int permissions, long modifyTime) {
        super(volume, permissions, modifyTime);
    }

    @Override
    public FileType type() {
        return FileType.DIRECTORY;
    }

    @Override
    long size() {
        return SIZE;
    }

    @Override
    public Node lookup(String name) {
        return children.get(name);
    }

    @Override
    public List<DirEntry> entries() throws ErrnoException {
        List<DirEntry> entries = new ArrayList<>(children.size());
        for (Map.Entry<String, Node> child : children.entrySet()) {
            Node node = child.getValue();
            entries.add(new DirEntry(child.getKey(), node.inode(), node.type()));
        }
        return entries;
    }

    @Override
    public boolean isEmpty() {
        return children.isEmpty();
    }

    @Override
    public MemoryFile createFile(String name, int permissions) throws ErrnoException {
        MemoryFile file = new MemoryFile(volume(), permissions, now(), new ChunkedContent());
        attachNew(name, file);
        return file;
    }

    @Override
    public MemoryDirectory createDirectory(String name, int permissions) throws ErrnoException {
        MemoryDirectory directory = new MemoryDirectory(volume(), permissions, now());
        attachNew(name, directory);
        return directory;
    }

    @Override
    public void createSymlink(String name, String target) throws ErrnoException {
        attachNew(name, new Symlink(volume(), target, now()));
    }

    @Override
    Object captureContent() {
        return new TreeMap<>(children);
    }

    @Override
    @SuppressWarnings("unchecked")
    void restoreContent(Object content) {
        children.clear();
        children.putAll((TreeMap<String, Node>) content);
    }

    @Override
    public void remove(String name) {
        children.remove(name);
        modified();
    }

    @Override
    public void move(String name, Directory target, String targetName) {
        MemoryDirectory to = (MemoryDirectory) target;
        to.children.put(targetName, children.remove(name));
        modified();
        to.modified();
    }

    /** Puts {@code node} under {@code name}, replacing any entry: for building trees and mounting. */
    void attach(String name, Node node) {
        children.put(name, node);
        modified();
    }

    /** The entries themselves, for copying the tree into an image. */
    Map<String, Node> children() {
        return children;
    }

    /**
     * The directory at {@code relativePath} ({@code a/b/c}), creating missing ones with
     * {@code permissions}; {@code ENOTDIR} if a component is something else.
     */
    MemoryDirectory makeDirectories(String relativePath, int permissions) throws ErrnoException {
        MemoryDirectory directory = this;
        for (String name : relativePath.split("/")) {
            if (name.isEmpty()) {
                continue;
            }
            Node child = directory.lookup(name);
            if (child == null) {
                child = directory.createDirectory(name, permissions);
            } else if (!(child instanceof MemoryDirectory)) {
                throw new ErrnoException(Errno.ENOTDIR, relativePath);
            }
            directory = (MemoryDirectory) child;
        }
        return directory;
    }

    private void attachNew(String name, Node node) throws ErrnoException {
        if (children.putIfAbsent(name, node) != null) {
            throw new ErrnoException(Errno.EEXIST, name);
        }
        modified();
    }
}
