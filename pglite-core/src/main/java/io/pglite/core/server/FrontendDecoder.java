package io.pglite.core.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames what a client sends. First the startup phase, whose packets carry no type byte (a length
 * that counts itself, then a request code): emitted as {@link StartupPacket}s. Once the handler
 * calls {@link #typedMessagesFollow()}, typed messages (a type byte, then a length that counts
 * itself): emitted whole, header included, as byte arrays, since they are copied into wasm memory
 * next anyway. One decoder for both phases, so no byte received early is lost in a hand-over.
 *
 * <p>An unknown type, or a length beyond what the backend accepts for the type, is refused before
 * anything is buffered: PostgreSQL exits on either, which would end the backend every connection
 * shares.
 */
final class FrontendDecoder extends ByteToMessageDecoder {
    /** PostgreSQL's own limit for a startup packet. */
    static final int MAX_STARTUP_LENGTH = 10_000;
    /** PostgreSQL's limit for the messages that may be long: Query, Parse, Bind, FunctionCall, CopyData (PQ_LARGE_MESSAGE_LIMIT). */
    static final int MAX_LENGTH = 0x3fff_fffe;
    /** PostgreSQL's limit for every other message (PQ_SMALL_MESSAGE_LIMIT): a longer one makes the backend exit. */
    static final int MAX_SMALL_LENGTH = 10_000;
    /** PostgreSQL's limit for an authentication message (PG_MAX_AUTH_TOKEN_LENGTH). */
    static final int MAX_PASSWORD_LENGTH = 65_535;

    private boolean startup = true;
    private boolean discarding;

    /** The startup packet was accepted: from now on every message has a type byte. */
    void typedMessagesFollow() {
        startup = false;
    }

    /**
     * The connection is closing (a protocol violation, a refusal, Terminate): nothing more it sent,
     * even in the same read, may reach a handler, let alone the backend.
     */
    static void discardTheRest(ChannelHandlerContext ctx) {
        FrontendDecoder decoder = ctx.pipeline().get(FrontendDecoder.class);
        if (decoder != null) {
            decoder.discarding = true;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (discarding) {
            in.skipBytes(in.readableBytes()); // the connection is being closed after a violation
            return;
        }
        try {
            if (startup) {
                decodeStartupPacket(in, out);
            } else {
                decodeMessage(in, out);
            }
        } catch (ProtocolViolation e) {
            discarding = true;
            throw e;
        }
    }

    private static void decodeStartupPacket(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        if (length < 8 || length > MAX_STARTUP_LENGTH) {
            in.skipBytes(in.readableBytes());
            throw new ProtocolViolation("invalid length of startup packet: " + Integer.toUnsignedString(length)
                    + " (expected: 8 to " + MAX_STARTUP_LENGTH + ")");
        }
        if (in.readableBytes() < length) {
            return;
        }
        in.skipBytes(4);
        int code = in.readInt();
        byte[] body = new byte[length - 8];
        in.readBytes(body);
        out.add(new StartupPacket(code, body));
    }

    private static void decodeMessage(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 1) {
            return;
        }
        byte type = in.getByte(in.readerIndex());
        if (!isFrontendType(type)) {
            in.skipBytes(in.readableBytes());
            throw new ProtocolViolation("invalid frontend message type " + (type & 0xff)
                    + (type >= 32 && type < 127 ? " ('" + (char) type + "')" : ""));
        }
        if (in.readableBytes() < 5) {
            return;
        }
        int length = in.getInt(in.readerIndex() + 1);
        int maxLength = maxLength(type);
        if (length < 4 || length > maxLength) {
            in.skipBytes(in.readableBytes());
            throw new ProtocolViolation("invalid message length: " + Integer.toUnsignedString(length)
                    + " (expected: 4 to " + maxLength + ") for message type '" + (char) type + "'");
        }
        if (in.readableBytes() < 1 + length) {
            return;
        }
        byte[] message = new byte[1 + length];
        in.readBytes(message);
        out.add(message);
    }

    /** The backend's own limit per type (postgres.c, SocketBackend; copyfromparse.c during COPY). */
    private static int maxLength(byte type) {
        switch (type) {
            case 'Q': case 'P': case 'B': case 'F': case 'd':
                return MAX_LENGTH;
            case 'p':
                return MAX_PASSWORD_LENGTH;
            default:
                return MAX_SMALL_LENGTH;
        }
    }

    private static boolean isFrontendType(byte type) {
        switch (type) {
            case 'B': case 'C': case 'c': case 'd': case 'D': case 'E': case 'f': case 'F':
            case 'H': case 'p': case 'P': case 'Q': case 'S': case 'X':
                return true;
            default:
                return false;
        }
    }
}
