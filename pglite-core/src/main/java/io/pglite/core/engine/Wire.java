package io.pglite.core.engine;

/**
 * Where the backend's wire-protocol traffic goes during one {@link Engine#exchange(byte[], Wire)}:
 * the bytes it writes, and more input when it asks for bytes the exchange did not bring (a
 * {@code COPY FROM STDIN} waiting for the client's next {@code CopyData}). Called on the engine
 * thread only.
 */
public interface Wire {
    /**
     * Takes {@code length} output bytes. May block, which pauses the backend (backpressure).
     */
    void write(byte[] buffer, int offset, int length);

    /**
     * More input for a backend that needs it now; may block until the client sends some. Must
     * return at least one complete frontend message: an empty answer is end of input, which the
     * backend treats as a lost connection and exits.
     */
    byte[] awaitInput();
}
