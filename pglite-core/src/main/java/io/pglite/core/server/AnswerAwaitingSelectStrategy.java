package io.pglite.core.server;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

/**
 * The I/O thread's select strategy: while the backend is about to answer a client, poll the
 * sockets instead of sleeping in the selector, so that the engine thread's write of the answer
 * does not have to wake this thread (see {@link io.pglite.core.engine.SpinWait}). Otherwise as
 * Netty's default: poll when tasks wait, else sleep until I/O or a task arrives.
 */
final class AnswerAwaitingSelectStrategy implements SelectStrategy {
    private final BackendMultiplexer multiplexer;

    AnswerAwaitingSelectStrategy(BackendMultiplexer multiplexer) {
        this.multiplexer = multiplexer;
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        if (hasTasks) {
            return selectNow.get();
        }
        if (!multiplexer.answerDueSoon()) {
            return SELECT;
        }
        int ready = selectNow.get();
        if (ready > 0) {
            return ready;
        }
        Thread.onSpinWait();
        return CONTINUE;
    }
}
