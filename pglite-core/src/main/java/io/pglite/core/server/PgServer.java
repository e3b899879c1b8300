package io.pglite.core.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.pglite.core.engine.Engine;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL wire-protocol server of one instance: a Netty server on one I/O thread, any number
 * of client connections, all served by the instance's single backend through a
 * {@link BackendMultiplexer}.
 *
 * <p>Pipeline of a connection: {@link FrontendDecoder} (framing and validation), then
 * {@link StartupHandler} until the client is authenticated, then {@link SessionHandler}.
 */
public final class PgServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PgServer.class.getName());

    private final Backend backend;
    private final ServerSettings settings;
    private final ScramAuthenticator.Credentials credentials;
    private final BackendMultiplexer multiplexer;
    private final AtomicInteger processIds = new AtomicInteger(1000);
    private final String namespace = Long.toString(new java.security.SecureRandom().nextLong() >>> 24, 36);
    private final EventLoopGroup group;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel serverChannel;

    private PgServer(Backend backend, ServerSettings settings) {
        this.backend = backend;
        this.settings = settings;
        this.credentials = settings.password() == null ? null
                : new ScramAuthenticator.Credentials(settings.user(), settings.password());
        this.multiplexer = new BackendMultiplexer(backend, settings);
        // one event loop, not a group of one: a group's shutdown notifies it on Netty's global executor, whose
        // thread is no daemon and would keep a JVM whose main has returned alive for another second
        this.group = new SingleThreadIoEventLoop(null, new DefaultThreadFactory(backend.name() + "-io", true),
                NioIoHandler.newFactory(SelectorProvider.provider(), () -> new AnswerAwaitingSelectStrategy(multiplexer)));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channels.add(channel);
                        FrontendDecoder decoder = new FrontendDecoder();
                        channel.pipeline().addLast("decoder", decoder);
                        channel.pipeline().addLast("startup", new StartupHandler(PgServer.this, decoder));
                    }
                });
        try {
            serverChannel = bootstrap.bind(new InetSocketAddress(settings.host(), settings.port())).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the checked BindException undeclared
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            if (e instanceof BindException || e.getCause() instanceof BindException) {
                throw new ServerBindException("port " + settings.port() + " on " + settings.host()
                        + " is already in use; choose another port, or port 0 for a free one", e);
            }
            throw new ServerBindException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + e, e);
        }
    }

    /**
     * Binds the server and starts accepting connections.
     *
     * @throws ServerBindException naming the port when it cannot be bound
     */
    public static PgServer start(Backend backend, ServerSettings settings) {
        PgServer server = new PgServer(backend, settings);
        LOG.log(Level.DEBUG, "{0}: listening on {1}:{2,number,#}", backend.name(), server.host(), server.port());
        return server;
    }

    /** The bound port (the free port chosen when 0 was asked for). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The bound address. */
    public String host() {
        return ((InetSocketAddress) serverChannel.localAddress()).getAddress().getHostAddress();
    }

    /** Runs raw protocol bytes for the instance's own API (engine thread); notifications reach listening clients. */
    public byte[] exchange(Engine engine, byte[] message) {
        return multiplexer.exchange(engine, message);
    }

    /** The backend died or was replaced (engine thread): every client connection is closed with {@code reason}. */
    public void backendLost(String reason) {
        multiplexer.dropAllSessions(reason);
    }

    /** The backend was restored to a snapshot (engine thread): clients' statements are prepared again on use. */
    public void backendRestored(Engine engine) {
        multiplexer.backendRestored(engine);
    }

    /** The number of client connections that completed their startup and are open. */
    public int connections() {
        return multiplexer.connectionCount();
    }

    /**
     * Stops accepting, closes every connection (their transactions are rolled back on the engine
     * thread, queued before anything submitted later) and stops the I/O thread.
     */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        channels.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    ServerSettings settings() {
        return settings;
    }

    ScramAuthenticator.Credentials credentials() {
        return credentials;
    }

    BackendMultiplexer multiplexer() {
        return multiplexer;
    }

    /** A short name unique to this server, part of every statement name its connections use. */
    String namespace() {
        return namespace;
    }

    int nextProcessId() {
        return processIds.incrementAndGet();
    }
}
