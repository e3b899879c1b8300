package io.pglite.core.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The startup phase of one connection: answers SSLRequest and GSSENCRequest with 'N', honours
 * CancelRequest, checks the StartupMessage (protocol 3, user, database), authenticates (trust, or
 * SCRAM-SHA-256 when the server has a password), then hands the connection to a
 * {@link SessionHandler}.
 */
final class StartupHandler extends ChannelInboundHandlerAdapter {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PgServer server;
    private final FrontendDecoder decoder;
    private ScramAuthenticator scram;
    private boolean saslStarted;
    private String user;
    private Map<String, String> parameters;

    StartupHandler(PgServer server, FrontendDecoder decoder) {
        this.server = server;
        this.decoder = decoder;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof StartupPacket) {
            startupPacket(ctx, (StartupPacket) msg);
        } else {
            passwordMessage(ctx, (byte[]) msg);
        }
    }

    private void startupPacket(ChannelHandlerContext ctx, StartupPacket packet) {
        if (parameters != null) {
            throw new ProtocolViolation("unexpected startup packet after the StartupMessage");
        }
        switch (packet.code()) {
            case StartupPacket.SSL_REQUEST:
            case StartupPacket.GSSENC_REQUEST:
                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {BackendMessages.SSL_REFUSED}));
                return;
            case StartupPacket.CANCEL_REQUEST:
                if (packet.body().length >= 8) {
                    ByteBuffer key = ByteBuffer.wrap(packet.body());
                    server.multiplexer().cancel(key.getInt(), key.getInt());
                }
                FrontendDecoder.discardTheRest(ctx);
                ctx.close();
                return;
            default:
                break;
        }
        if (packet.majorVersion() != 3) {
            refuse(ctx, ServerError.fatal("0A000", "unsupported frontend protocol " + packet.majorVersion() + "."
                    + packet.minorVersion() + ": server supports 3.0 to 3.0", "Use a client that speaks protocol 3.0."));
            return;
        }
        parameters = packet.parameters();
        List<String> unsupported = new ArrayList<>();
        parameters.keySet().removeIf(name -> name.startsWith("_pq_.") && unsupported.add(name));
        if (packet.minorVersion() > 0 || !unsupported.isEmpty()) {
            ctx.write(BackendMessages.negotiateProtocolVersion(ctx.alloc(), unsupported));
        }
        user = parameters.get("user");
        if (user == null || user.isEmpty()) {
            refuse(ctx, ServerError.fatal("28000", "no PostgreSQL user name specified in startup packet", null));
            return;
        }
        String database = parameters.getOrDefault("database", user);
        if (database.isEmpty()) {
            database = user;
        }
        if (!database.equals(server.settings().database())) {
            refuse(ctx, ServerError.fatal("3D000", "database \"" + database + "\" does not exist",
                    "This PGlite instance serves one database: \"" + server.settings().database() + "\"."));
            return;
        }
        if (parameters.containsKey("replication") && !"false".equalsIgnoreCase(parameters.get("replication"))
                && !"0".equals(parameters.get("replication")) && !"off".equalsIgnoreCase(parameters.get("replication"))) {
            refuse(ctx, ServerError.fatal("0A000", "replication connections are not supported by PGlite", null));
            return;
        }
        decoder.typedMessagesFollow();
        if (server.credentials() == null) {
            authenticated(ctx);
        } else {
            scram = new ScramAuthenticator(server.credentials());
            ctx.writeAndFlush(BackendMessages.authenticationSasl(ctx.alloc()));
        }
    }

    private void passwordMessage(ChannelHandlerContext ctx, byte[] message) {
        if (scram == null || message[0] != 'p') {
            throw new ProtocolViolation("expected SASL response, got message type " + (char) message[0]);
        }
        try {
            if (!saslStarted) {
                int nameEnd = 5;
                while (nameEnd < message.length && message[nameEnd] != 0) {
                    nameEnd++;
                }
                if (nameEnd + 5 > message.length) {
                    throw new ProtocolViolation("malformed SASLInitialResponse message");
                }
                String mechanism = new String(message, 5, nameEnd - 5, StandardCharsets.UTF_8);
                int length = ByteBuffer.wrap(message, nameEnd + 1, 4).getInt();
                if (length < 0 || nameEnd + 5 + length > message.length) {
                    throw new ProtocolViolation("malformed SASLInitialResponse message: length " + length);
                }
                String first = new String(message, nameEnd + 5, length, StandardCharsets.UTF_8);
                saslStarted = true;
                ctx.writeAndFlush(BackendMessages.authenticationSaslData(ctx.alloc(), 11, scram.start(mechanism, first)));
            } else {
                String last = new String(message, 5, message.length - 5, StandardCharsets.UTF_8);
                String serverFinal = scram.finish(last);
                if (!user.equals(server.credentials().user)) {
                    throw new ScramAuthenticator.AuthenticationFailure(null);
                }
                ctx.write(BackendMessages.authenticationSaslData(ctx.alloc(), 12, serverFinal));
                authenticated(ctx);
            }
        } catch (ScramAuthenticator.AuthenticationFailure e) {
            refuse(ctx, ServerError.fatal("28P01", "password authentication failed for user \"" + user + "\""
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), null));
        }
    }

    private void authenticated(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(BackendMessages.authenticationOk(ctx.alloc()));
        ClientSession session = new ClientSession(server.nextProcessId(), RANDOM.nextInt(), ctx.channel(), user, parameters,
                server.namespace());
        ctx.pipeline().replace(this, "session", new SessionHandler(server.multiplexer(), session));
        server.multiplexer().open(session);
    }

    private static void refuse(ChannelHandlerContext ctx, ServerError error) {
        FrontendDecoder.discardTheRest(ctx);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(error.toWire())).addListener(f -> ctx.close());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        SessionHandler.protocolFailure(ctx, cause);
    }
}
