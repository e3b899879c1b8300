package io.pglite.core.server;

import io.pglite.core.engine.Engine;

/** What the server needs of the instance it serves: its engine thread and failure handling. */
public interface Backend {
    /** The instance's name, for log lines and messages. */
    String name();

    /** Queues {@code task} on the engine thread, after the work queued before it. */
    void execute(Runnable task);

    /** The running engine; engine thread only. Throws when the instance failed or closed. */
    Engine engine();

    /**
     * On the engine thread, after the engine broke while serving a client: marks the instance
     * failed (or restarts it) and returns the exception that describes what happened.
     */
    RuntimeException failed(Throwable cause);
}
