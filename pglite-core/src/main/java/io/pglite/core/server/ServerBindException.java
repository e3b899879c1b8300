package io.pglite.core.server;

/** The server could not listen where it was asked to; the message names the address and port. */
public final class ServerBindException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ServerBindException(String message, Throwable cause) {
        super(message, cause);
    }
}
