package io.pglite.core.server;

import io.netty.buffer.ByteBuf;
import io.pglite.core.engine.FrontendMessages;
import io.pglite.core.engine.Wire;
import java.io.ByteArrayOutputStream;

/**
 * The backend's output during one connection's turn, framed as it streams: most messages go
 * straight to the client in 64 KiB writes, pausing the backend while the client is slow to read
 * (so a million-row result is never held in memory); ReadyForQuery, ParameterStatus and
 * NotificationResponse are looked at on the way (transaction state, reported settings, whom a
 * notification is for). Without a session it collects the output instead (internal statements and
 * {@code Pglite.exchange}). Engine thread only.
 */
final class BackendOutput implements Wire {
    private static final int FLUSH_AT = 64 * 1024;

    private final BackendMultiplexer multiplexer;
    private final ClientSession session;
    private final ByteArrayOutputStream collected;
    private final byte[] header = new byte[5];
    private int headerFill;
    private int bodyRemaining;
    private byte[] captured;
    private int capturedFill;
    private ByteBuf pending;

    private BackendOutput(BackendMultiplexer multiplexer, ClientSession session, ByteArrayOutputStream collected) {
        this.multiplexer = multiplexer;
        this.session = session;
        this.collected = collected;
    }

    static BackendOutput toClient(BackendMultiplexer multiplexer, ClientSession session) {
        return new BackendOutput(multiplexer, session, null);
    }

    static BackendOutput collecting(BackendMultiplexer multiplexer) {
        return new BackendOutput(multiplexer, null, new ByteArrayOutputStream(256));
    }

    byte[] collected() {
        return collected.toByteArray();
    }

    @Override
    public void write(byte[] buffer, int offset, int length) {
        while (length > 0) {
            if (bodyRemaining == 0 && captured == null) {
                int take = Math.min(5 - headerFill, length);
                System.arraycopy(buffer, offset, header, headerFill, take);
                headerFill += take;
                offset += take;
                length -= take;
                if (headerFill == 5) {
                    headerFill = 0;
                    startMessage();
                }
            } else {
                int take = Math.min(bodyRemaining, length);
                if (captured != null) {
                    System.arraycopy(buffer, offset, captured, capturedFill, take);
                    capturedFill += take;
                } else {
                    emit(buffer, offset, take);
                }
                bodyRemaining -= take;
                offset += take;
                length -= take;
                if (bodyRemaining == 0 && captured != null) {
                    finishCaptured();
                }
            }
        }
    }

    private void startMessage() {
        byte type = header[0];
        int bodyLength = ((header[1] & 0xff) << 24 | (header[2] & 0xff) << 16 | (header[3] & 0xff) << 8 | (header[4] & 0xff)) - 4;
        if (session != null) {
            if (type == 'G') {
                session.copyIn = true;
            } else if (type == 'C' || type == 'E' || type == 'Z') {
                session.copyIn = false;
            }
        }
        bodyRemaining = bodyLength;
        if (type == '1' && session != null && session.hideParseComplete()) {
            return; // answers a Parse the server sent again after a restore
        }
        if (type == 'Z' && session != null) {
            session.readyForQuery();
        }
        if (type == 'Z' || type == 'S' || type == 'A') {
            captured = new byte[5 + bodyLength];
            System.arraycopy(header, 0, captured, 0, 5);
            capturedFill = 5;
            if (bodyLength == 0) {
                finishCaptured();
            }
        } else {
            emit(header, 0, 5);
        }
    }

    private void finishCaptured() {
        byte[] message = captured;
        captured = null;
        switch (message[0]) {
            case 'Z':
                if (session != null) {
                    session.transactionStatus = message[5];
                }
                emit(message, 0, message.length);
                break;
            case 'S':
                multiplexer.parameterReported(message);
                emit(message, 0, message.length);
                break;
            default:
                multiplexer.notificationReceived(message, session, this);
                break;
        }
    }

    /** Passes bytes on to this output's client (or collection). */
    void emit(byte[] bytes, int offset, int length) {
        if (collected != null) {
            collected.write(bytes, offset, length);
            return;
        }
        if (!session.channel.isActive()) {
            return; // the client is gone; its turn still runs to the end of the statement
        }
        if (pending == null) {
            pending = session.channel.alloc().ioBuffer(Math.max(length, 8192));
        }
        pending.writeBytes(bytes, offset, length);
        if (pending.readableBytes() >= FLUSH_AT) {
            flush();
        }
    }

    /** Sends what is buffered; waits while the client is not reading (backpressure). */
    void flush() {
        if (pending == null) {
            return;
        }
        ByteBuf out = pending;
        pending = null;
        if (!session.channel.isActive()) {
            out.release(); // the client is gone (and after a shutdown its event loop takes no tasks)
            return;
        }
        session.channel.writeAndFlush(out, session.channel.voidPromise());
        synchronized (session) {
            while (session.channel.isActive() && !session.channel.isWritable()) {
                try {
                    session.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Drops what is buffered and not sent: the turn ended abnormally. */
    void discard() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    /** A COPY FROM STDIN waits for the client's next messages; a closed client fails the COPY. */
    @Override
    public byte[] awaitInput() {
        if (session == null) {
            return FrontendMessages.copyFail(FrontendMessages.NO_COPY_CLIENT);
        }
        flush(); // the client may be waiting for CopyInResponse before it sends anything
        return multiplexer.awaitInput(session);
    }
}
