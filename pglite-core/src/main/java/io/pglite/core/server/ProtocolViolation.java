package io.pglite.core.server;

import io.netty.handler.codec.DecoderException;

/** Bytes from a client that break the wire protocol; the connection is answered with 08P01 and closed. */
final class ProtocolViolation extends DecoderException {
    private static final long serialVersionUID = 1L;

    ProtocolViolation(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // an expected outcome of bad input, not a bug: no stack trace needed
    }
}
