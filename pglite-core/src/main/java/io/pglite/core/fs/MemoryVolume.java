package io.pglite.core.fs;

import java.util.HashMap;
import java.util.Map;

/**
 * A writable tree kept in memory, for the data directory, {@code /tmp} and the rest of the
 * namespace. Confined to one thread, like the file system it is mounted in.
 *
 * <p>{@link #of(ClusterImage)} and {@link #freeze()} move between a volume and an immutable image
 * without copying file contents: both sides share 8 KiB chunks, and a volume copies a chunk only
 * when it writes to it. So many instances can start from one pre-initialised cluster, and a
 * snapshot costs a walk over the tree.
 */
public final class MemoryVolume extends Volume {
    private final MemoryDirectory root;
    private long lastInode;

    MemoryVolume(int rootPermissions, long rootModifyTime) {
        root = new MemoryDirectory(this, rootPermissions, rootModifyTime);
    }

    /** An empty volume whose root has mode 0700, as PostgreSQL wants for its data directory. */
    public static MemoryVolume empty() {
        return new MemoryVolume(0700, MemoryNode.now());
    }

    /** A writable volume holding the files of {@code image}, sharing their contents until written. */
    public static MemoryVolume of(ClusterImage image) {
        ClusterImage.DirectoryImage top = image.root();
        MemoryVolume volume = new MemoryVolume(top.permissions(), top.modifyTime());
        volume.fill(volume.root, top);
        return volume;
    }

    /**
     * An immutable copy of this volume as it is now, safe to share across threads. File contents
     * are not copied: this volume's files copy a chunk before they next write it. Only what
     * belongs to this volume is captured: volumes mounted inside it and device nodes are left out.
     */
    public ClusterImage freeze() {
        return new ClusterImage(freeze(root));
    }

    @Override
    MemoryDirectory root() {
        return root;
    }

    long nextInode() {
        return ++lastInode;
    }

    private void fill(MemoryDirectory directory, ClusterImage.DirectoryImage image) {
        for (Map.Entry<String, ClusterImage.Entry> child : image.children().entrySet()) {
            ClusterImage.Entry entry = child.getValue();
            Node node;
            if (entry instanceof ClusterImage.DirectoryImage sub) {
                MemoryDirectory created = new MemoryDirectory(this, sub.permissions(), sub.modifyTime());
                fill(created, sub);
                node = created;
            } else if (entry instanceof ClusterImage.FileImage file) {
                node = new MemoryFile(this, file.permissions(), file.modifyTime(), file.content());
            } else {
                ClusterImage.SymlinkImage link = (ClusterImage.SymlinkImage) entry;
                node = new Symlink(this, link.target(), link.modifyTime());
            }
            directory.children().put(child.getKey(), node);
        }
    }

    private ClusterImage.DirectoryImage freeze(MemoryDirectory directory) {
        Map<String, ClusterImage.Entry> children = new HashMap<>();
        for (Map.Entry<String, Node> child : directory.children().entrySet()) {
            Node node = child.getValue();
            if (node.volume() != this) {
                continue;
            }
            if (node instanceof MemoryDirectory sub) {
                children.put(child.getKey(), freeze(sub));
            } else if (node instanceof MemoryFile file) {
                children.put(child.getKey(),
                        new ClusterImage.FileImage(file.permissions(), file.modifyTime(), file.freezeContent()));
            } else if (node instanceof Symlink link) {
                children.put(child.getKey(), new ClusterImage.SymlinkImage(link.target(), link.modifyTime()));
            }
        }
        return new ClusterImage.DirectoryImage(directory.permissions(), directory.modifyTime(),
                Map.copyOf(children));
    }
}
