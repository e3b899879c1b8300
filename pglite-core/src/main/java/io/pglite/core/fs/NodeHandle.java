package io.pglite.core.fs;

import java.util.Set;

/** An open file that stands for a node of the tree (everything but a pipe). */
abstract class NodeHandle extends OpenFile {
    private final Node node;

    NodeHandle(String path, Set<OpenFlag> flags, Node node) {
        super(path, flags);
        this.node = node;
    }

    @Override
    final Node node() {
        return node;
    }

    @Override
    public final FileType type() {
        return node.type();
    }

    @Override
    public final Stat stat() throws ErrnoException {
        return node.stat();
    }

    @Override
    public final void chmod(int permissions) throws ErrnoException {
        node.chmod(permissions);
    }

    @Override
    public final void setTimes(long accessTime, long modifyTime) throws ErrnoException {
        node.setTimes(accessTime, modifyTime);
    }
}
