package io.pglite.core.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * An authenticated connection: checks and renames what the client sends, queues it for the backend
 * through the {@link BackendMultiplexer}, and tells it when the client goes away or can take more
 * output.
 */
final class SessionHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(SessionHandler.class.getName());

    private final BackendMultiplexer multiplexer;
    private final ClientSession session;

    SessionHandler(BackendMultiplexer multiplexer, ClientSession session) {
        this.multiplexer = multiplexer;
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        byte[] message = (byte[]) msg;
        switch (message[0]) {
            case 'X':
                FrontendDecoder.discardTheRest(ctx);
                ctx.close();
                return;
            case 'p':
                throw new ProtocolViolation("unexpected password message after authentication");
            default:
                multiplexer.deliver(session, StatementNames.rewrite(message, session.namePrefix));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        multiplexer.readComplete(session);
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        multiplexer.closed(session);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        synchronized (session) {
            session.notifyAll(); // a turn may be waiting for the client to read
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        protocolFailure(ctx, cause);
    }

    /** Answers a protocol violation with a FATAL 08P01 and closes this connection only. */
    static void protocolFailure(ChannelHandlerContext ctx, Throwable cause) {
        FrontendDecoder.discardTheRest(ctx);
        Throwable problem = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (problem instanceof IOException) {
            LOG.log(Level.DEBUG, "connection {0} lost: {1}", ctx.channel().remoteAddress(), problem);
            ctx.close();
            return;
        }
        ServerError error;
        if (problem instanceof ProtocolViolation) {
            error = ServerError.protocolViolation(problem.getMessage());
            LOG.log(Level.DEBUG, "protocol violation from {0}: {1}", ctx.channel().remoteAddress(), problem.getMessage());
        } else {
            error = ServerError.fatal("XX000", "internal server error: " + problem, null);
            LOG.log(Level.WARNING, "unexpected failure on connection " + ctx.channel().remoteAddress(), problem);
        }
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(error.toWire())).addListener(f -> ctx.close());
        }
    }
}
