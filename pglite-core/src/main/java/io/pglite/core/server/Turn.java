package io.pglite.core.server;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection's place in the queue for the backend. It either starts on the engine thread or is
 * abandoned by the wait timeout, never both: the state changes once, by compare-and-set.
 */
final class Turn implements Runnable {
    private static final int QUEUED = 0;
    private static final int RUNNING = 1;
    private static final int ABANDONED = 2;

    final ClientSession session;
    private final BackendMultiplexer multiplexer;
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    volatile ScheduledFuture<?> timeout;

    Turn(ClientSession session, BackendMultiplexer multiplexer) {
        this.session = session;
        this.multiplexer = multiplexer;
    }

    @Override
    public void run() {
        if (!state.compareAndSet(QUEUED, RUNNING)) {
            return;
        }
        ScheduledFuture<?> timer = timeout;
        if (timer != null) {
            timer.cancel(false);
        }
        multiplexer.serve(this);
    }

    /** On the wait timeout: true when the turn had not started and now never will. */
    boolean abandon() {
        return state.compareAndSet(QUEUED, ABANDONED);
    }
}
