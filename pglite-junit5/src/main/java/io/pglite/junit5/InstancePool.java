package io.pglite.junit5;

import io.pglite.core.Pglite;
import io.pglite.core.Snapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The instances one scope (the suite's template for a configuration, or a test class) hands to its
 * users (test classes, or test methods and nested classes): its primary instance while nobody else
 * holds it, else a clone of its snapshot. Never blocks a caller waiting for another one, so
 * concurrent tests cannot deadlock on it. The snapshot is taken at the first lease, when the primary
 * has been set up and nobody used it yet.
 */
final class InstancePool implements AutoCloseable {
    /** Instances started by the extension (own instances and clones); read by the tests. */
    static final AtomicInteger STARTED = new AtomicInteger();
    static final AtomicInteger CLONED = new AtomicInteger();

    private final String label;
    private final Slot primary;
    /** Whether a leased instance is restored to the snapshot when it was used before. */
    private final boolean restore;
    /** Whether every lease is a new clone, closed when given back (lifecycle PER_METHOD). */
    private final boolean fresh;
    private final Deque<Slot> idle = new ArrayDeque<>();
    private final List<Slot> clones = new ArrayList<>();
    private Snapshot snapshot;
    private boolean closed;

    InstancePool(String label, Slot primary, boolean restore, boolean fresh) {
        this.label = label;
        this.primary = primary;
        this.restore = restore;
        this.fresh = fresh;
        primary.dirty = false; // the state the snapshot will be taken of
        idle.push(primary);
    }

    Slot primary() {
        return primary;
    }

    /** A slot for one user; give it back with {@link Lease#close()}. */
    Lease lease() {
        Snapshot from;
        Slot slot = null;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(label + ": closed");
            }
            if (snapshot == null) {
                snapshot = primary.pglite.snapshot();
            }
            from = snapshot;
            if (!fresh) {
                slot = idle.poll();
            }
        }
        if (slot == null) {
            Pglite clone = primary.config.builder(false).withSnapshot(from)
                    .withName(primary.pglite.name() + "-clone-" + CLONED.incrementAndGet()).start();
            slot = new Slot(clone, primary.config, true, true);
            STARTED.incrementAndGet();
            synchronized (this) {
                if (closed) {
                    slot.close();
                    throw new IllegalStateException(label + ": closed");
                }
                if (!fresh) {
                    clones.add(slot);
                }
            }
        } else if (slot.dirty && restore) {
            slot.pglite.restore(from);
        }
        slot.dirty = true;
        return new Lease(slot);
    }

    private void giveBack(Slot slot) {
        boolean closeIt;
        synchronized (this) {
            if (fresh && slot != primary) {
                closeIt = true;
            } else if (restore && !slot.restorable) {
                closeIt = slot != primary; // a directory on disk cannot be restored in place: set aside
            } else if (closed) {
                closeIt = slot != primary;
            } else {
                idle.push(slot);
                closeIt = false;
            }
        }
        if (closeIt) {
            slot.close();
        }
    }

    @Override
    public void close() {
        List<Slot> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(clones);
            clones.clear();
            idle.clear();
        }
        RuntimeException failure = null;
        for (Slot slot : toClose) {
            try {
                slot.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** One user's hold on a slot. */
    final class Lease implements AutoCloseable {
        final Slot slot;
        private boolean returned;

        Lease(Slot slot) {
            this.slot = slot;
        }

        @Override
        public synchronized void close() {
            if (!returned) {
                returned = true;
                slot.dirty = true; // its holder may have written to it, even without a lease of its own pool
                giveBack(slot);
            }
        }
    }
}
