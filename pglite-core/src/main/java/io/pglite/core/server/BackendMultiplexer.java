package io.pglite.core.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pglite.core.engine.Engine;
import io.pglite.core.engine.FrontendMessages;
import io.pglite.core.engine.SpinWait;
import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Shares the one PostgreSQL backend between any number of client connections. Connections take
 * turns on the engine thread in arrival order; a connection inside a transaction (ReadyForQuery
 * status T or E) or in the middle of an extended-protocol batch keeps the backend until it is idle
 * again, and the others wait, each up to the wait timeout, after which it gets an error instead of
 * hanging. Prepared statements and portals are renamed per connection ({@link StatementNames});
 * notifications go to the connections that LISTEN ({@link ListenRegistry}); a connection that goes
 * away has its transaction rolled back and its statements and LISTENs removed.
 */
final class BackendMultiplexer {
    private static final System.Logger LOG = System.getLogger(BackendMultiplexer.class.getName());
    /** Startup parameters that are not settings. */
    private static final Set<String> NOT_SETTINGS = Set.of("user", "database", "options", "replication");
    private static final byte[] SYNC = {'S', 0, 0, 0, 4};

    private final Backend backend;
    private final ServerSettings settings;
    private final Map<Integer, ClientSession> sessions = new ConcurrentHashMap<>();
    /** Engine thread only. */
    private final ListenRegistry listens = new ListenRegistry();
    /** Settings the backend reports (ParameterStatus), as last reported; engine thread only. */
    private final Map<String, String> reported = new LinkedHashMap<>();
    private volatile ClientSession running;
    /** When the oldest input not yet answered arrived (System.nanoTime); 0 when all is answered. */
    private volatile long answerAwaitedSince;
    private final SpinWait answerWait = SpinWait.configured();
    /** Guards exchanging: a cancel must reach that connection's own input, never the next exchange. */
    private final Object cancelLock = new Object();
    /** The connection whose input the engine runs now, outside the server's own statements. */
    private ClientSession exchanging;
    private Engine exchangingEngine;

    BackendMultiplexer(Backend backend, ServerSettings settings) {
        this.backend = backend;
        this.settings = settings;
    }

    /** A client authenticated: queue its start (its settings applied, then the connection data). */
    void open(ClientSession session) {
        sessions.put(session.processId, session);
        synchronized (session) {
            schedule(session);
        }
    }

    /**
     * A message from a client (event loop). It is queued; it reaches the backend with the rest of
     * the same read from the socket ({@link #readComplete}).
     */
    void deliver(ClientSession session, byte[] message) {
        synchronized (session) {
            if (session.closed) {
                return;
            }
            if (session.discardUntilSync) {
                if (message[0] == 'S') {
                    session.discardUntilSync = false;
                    session.channel.writeAndFlush(BackendMessages.readyForQuery(session.channel.alloc(), (byte) 'I'));
                }
                return;
            }
            if (answerAwaitedSince == 0) {
                answerAwaitedSince = System.nanoTime();
            }
            session.add(message);
        }
    }

    /**
     * A read from the client's socket is over (event loop): what it brought goes to the backend as
     * one input. A client sends a statement's messages (Parse to Sync) in one write; handed over one
     * by one, they would run as several exchanges, and the client would wake up for a partial answer.
     */
    void readComplete(ClientSession session) {
        synchronized (session) {
            if (session.closed || !session.hasPending()) {
                return;
            }
            session.notifyAll(); // a turn may be waiting for more input
            if (session.turn == null) {
                schedule(session);
            }
        }
    }

    /**
     * Whether the I/O thread should poll rather than sleep, because the backend's answer to a client
     * is likely to come within the spin limit (I/O thread).
     */
    boolean answerDueSoon() {
        long since = answerAwaitedSince;
        return since != 0 && answerWait.spins(System.nanoTime() - since);
    }

    /**
     * The backend's answer to what a connection sent was handed to its channel (engine thread). What
     * counts for the next wait is how long the engine worked on it, from {@code exchangeStarted}: the
     * time the engine thread took to wake up is not the backend's, and counting it would keep both
     * threads sleeping once one of them had to.
     */
    private void answerSent(long exchangeStarted) {
        if (answerAwaitedSince != 0) {
            answerAwaitedSince = 0;
            answerWait.waited(System.nanoTime() - exchangeStarted);
        }
    }

    /** The client's connection closed (event loop); its turn, or a new one, cleans up after it. */
    void closed(ClientSession session) {
        synchronized (session) {
            if (session.closed) {
                return;
            }
            session.closed = true;
            session.notifyAll();
            if (session.turn == null) {
                schedule(session);
            }
        }
        cancelExchange(session); // nobody will read the result
    }

    /** A CancelRequest: stops the statement the connection runs now, if the key matches. */
    void cancel(int processId, int secret) {
        ClientSession session = sessions.get(processId);
        if (session != null && session.secret == secret && cancelExchange(session)) {
            LOG.log(Level.DEBUG, "{0}: cancel request for {1}", backend.name(), session);
        }
    }

    /** Cancels what the engine runs for {@code session} now; false when it runs nothing of it. */
    private boolean cancelExchange(ClientSession session) {
        synchronized (cancelLock) {
            if (exchanging != session) {
                return false; // e.g. its clean-up's ROLLBACK, or another connection's statement
            }
            exchangingEngine.cancel();
            return true;
        }
    }

    private void exchanging(ClientSession session, Engine engine) {
        synchronized (cancelLock) {
            exchanging = session;
            exchangingEngine = engine;
        }
    }

    /** Caller holds the session's monitor. */
    private void schedule(ClientSession session) {
        Turn turn = new Turn(session, this);
        session.turn = turn;
        try {
            backend.execute(turn);
        } catch (RuntimeException e) {
            session.turn = null; // the instance is closing: the connection is being closed too
            return;
        }
        long timeout = settings.waitTimeout().toNanos();
        if (timeout > 0 && !session.closed) {
            try {
                turn.timeout = session.channel.eventLoop().schedule(() -> abandon(turn), timeout, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the server is shutting down: the turn runs or is dropped with the engine thread
            }
        }
    }

    /** The wait timeout of a turn that has not started: answer the client without the backend. */
    private void abandon(Turn turn) {
        ClientSession session = turn.session;
        if (!turn.abandon()) {
            return;
        }
        String holder = describeHolder();
        String message = "timed out after " + settings.waitTimeout().toMillis() + " ms waiting for the PGlite backend, "
                + "which serves one connection at a time" + holder;
        String hint = "Another connection kept a transaction open or ran a long statement. Commit or roll back "
                + "transactions promptly, or raise the wait timeout (Pglite.Builder.withConnectionWaitTimeout).";
        LOG.log(Level.WARNING, "{0}: {1}: {2}", backend.name(), session, message);
        synchronized (session) {
            session.turn = null;
            if (session.startupParameters != null) {
                fail(session, ServerError.fatal("57P03", message, hint));
                forget(session); // it never started: nothing of it is in the backend
                return;
            }
            ArrayDeque<byte[]> unanswered = session.takePending();
            boolean errorSent = false;
            ByteBuf out = session.channel.alloc().ioBuffer();
            for (byte[] pendingMessage : unanswered) {
                if (!errorSent) {
                    out.writeBytes(ServerError.error("57014", message, hint).toWire());
                    errorSent = true;
                }
                if (pendingMessage[0] == 'Q' || pendingMessage[0] == 'S' || pendingMessage[0] == 'F') {
                    append(out, BackendMessages.readyForQuery(session.channel.alloc(), (byte) 'I'));
                    errorSent = false;
                }
            }
            session.discardUntilSync = errorSent;
            session.channel.writeAndFlush(out);
            if (session.closed) {
                schedule(session); // still needs its clean-up
            }
        }
    }

    private String describeHolder() {
        ClientSession holder = running;
        return holder == null ? "" : " (" + holder + " holds it" + (holder.transactionStatus != 'I' ? " in a transaction" : "") + ")";
    }

    /** A connection's turn on the engine thread. */
    void serve(Turn turn) {
        ClientSession session = turn.session;
        Engine engine;
        try {
            engine = backend.engine();
        } catch (RuntimeException e) {
            forget(session);
            fail(session, ServerError.fatal("57P01", e.getMessage(), null));
            return;
        }
        running = session;
        try {
            if (session.startupParameters != null) {
                synchronized (session) {
                    if (session.closed) { // gone before its start: nothing of it is in the backend
                        session.turn = null;
                        forget(session);
                        return;
                    }
                }
                if (!start(engine, session)) {
                    return;
                }
            }
            while (true) {
                byte[] input;
                synchronized (session) {
                    while (!session.hasPending() && !session.closed && session.holdsBackend()) {
                        waitQuietly(session);
                    }
                    if (!session.hasPending()) {
                        session.turn = null;
                        if (session.closed) {
                            cleanUp(engine, session);
                        }
                        return;
                    }
                    input = session.drain();
                }
                exchanging(session, engine);
                long exchangeStarted = System.nanoTime();
                try {
                    engine.exchange(input, session.output);
                } finally {
                    exchanging(null, null);
                }
                session.output.flush();
                answerSent(exchangeStarted);
                applyListenIntents(engine, session);
                if (!session.holdsBackend()) {
                    synchronized (session) {
                        if (session.hasPending() && !session.closed) {
                            schedule(session); // to the back of the queue: the others get their turn first
                            return;
                        }
                    }
                }
            }
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            if (session.output != null) {
                session.output.discard();
            }
            RuntimeException failure = backend.failed(e);
            LOG.log(Level.WARNING, backend.name() + ": the backend failed while serving " + session, e);
            dropAllSessions(failure.getMessage());
        } finally {
            running = null;
        }
    }

    /** Applies the client's startup settings and sends it the connection data; false when it was refused. */
    private boolean start(Engine engine, ClientSession session) {
        if (reported.isEmpty()) {
            BackendOutput output = BackendOutput.collecting(this);
            engine.exchange(startupPacket(), output);
        }
        Map<String, String> parameters = session.startupParameters;
        session.startupParameters = null;
        StringBuilder sql = new StringBuilder();
        parameters.forEach((name, value) -> {
            if (!NOT_SETTINGS.contains(name) && !name.startsWith("_pq_.") && !value.equals(reported.get(name))) {
                sql.append(sql.length() == 0 ? "SELECT " : ", ")
                        .append("set_config(").append(literal(name)).append(", ").append(literal(value)).append(", false)");
            }
        });
        Map<String, String> options;
        try {
            options = CommandLineOptions.parse(parameters.get("options"));
        } catch (IllegalArgumentException e) {
            forget(session);
            fail(session, ServerError.fatal("22023", e.getMessage(), null));
            return false;
        }
        for (Map.Entry<String, String> option : options.entrySet()) {
            sql.append(sql.length() == 0 ? "SELECT " : ", ").append("set_config(").append(literal(option.getKey()))
                    .append(", ").append(literal(option.getValue())).append(", false)");
        }
        if (sql.length() > 0) {
            String error = internalError(engine, sql.toString());
            if (error != null) {
                forget(session);
                fail(session, ServerError.fatal("22023", error, null));
                return false;
            }
        }
        session.output = BackendOutput.toClient(this, session);
        if (session.channel.isActive()) {
            ByteBuf out = BackendMessages.parameterStatus(session.channel.alloc(), reported);
            append(out, BackendMessages.backendKeyData(session.channel.alloc(), session.processId, session.secret));
            append(out, BackendMessages.readyForQuery(session.channel.alloc(), (byte) 'I'));
            session.channel.writeAndFlush(out, session.channel.voidPromise());
        }
        LOG.log(Level.DEBUG, "{0}: {1} started for user {2}", backend.name(), session, session.user);
        return true;
    }

    private byte[] startupPacket() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String part : new String[] {"user", settings.user(), "database", settings.database()}) {
            body.writeBytes(part.getBytes(StandardCharsets.UTF_8));
            body.write(0);
        }
        body.write(0);
        byte[] fields = body.toByteArray();
        return ByteBuffer.allocate(8 + fields.length).putInt(8 + fields.length).putInt(196608).put(fields).array();
    }

    /**
     * More input for a COPY FROM STDIN in progress; a CopyFail when the client is gone, or when it sent
     * a message that has no place in a COPY: that client is then disconnected with 08P01, as
     * PostgreSQL would, and the backend, which would exit on such a message, never sees it. Engine thread.
     */
    byte[] awaitInput(ClientSession session) {
        byte unexpected;
        synchronized (session) {
            while (!session.hasPending() && !session.closed) {
                waitQuietly(session);
            }
            if (!session.hasPending()) {
                return FrontendMessages.copyFail("the client disconnected during COPY");
            }
            byte[] input = session.drainCopyInput();
            if (input != null) {
                return input;
            }
            unexpected = session.firstNonCopyInput();
            session.takePending();
            session.closed = true; // nothing more from it reaches the backend; its turn cleans up after it
        }
        String message = String.format("unexpected message type 0x%02X during COPY from stdin", unexpected);
        LOG.log(Level.DEBUG, "{0}: {1}: {2}", backend.name(), session, message);
        fail(session, ServerError.protocolViolation(message));
        return FrontendMessages.copyFail(message);
    }

    /** A ParameterStatus from the backend: remembered, so that new connections get current values. */
    void parameterReported(byte[] message) {
        int nameEnd = 5;
        while (message[nameEnd] != 0) {
            nameEnd++;
        }
        int valueEnd = nameEnd + 1;
        while (message[valueEnd] != 0) {
            valueEnd++;
        }
        reported.put(new String(message, 5, nameEnd - 5, StandardCharsets.UTF_8),
                new String(message, nameEnd + 1, valueEnd - nameEnd - 1, StandardCharsets.UTF_8));
    }

    /** A NotificationResponse: to every connection that listens to its channel, and to no other. */
    void notificationReceived(byte[] message, ClientSession current, BackendOutput output) {
        int end = 9;
        while (message[end] != 0) {
            end++;
        }
        String channel = new String(message, 9, end - 9, StandardCharsets.UTF_8);
        if (current != null) {
            ByteBuffer.wrap(message).putInt(5, current.processId); // the notifying connection, as clients expect
        }
        for (ClientSession listener : listens.listeners(channel)) {
            if (listener == current) {
                output.emit(message, 0, message.length);
            } else if (listener.channel.isActive()) {
                listener.channel.writeAndFlush(Unpooled.wrappedBuffer(message.clone()));
            }
        }
        if (current == null) {
            output.emit(message, 0, message.length);
        }
    }

    /** Records LISTEN/UNLISTEN of a connection once its transaction is over. */
    private void applyListenIntents(Engine engine, ClientSession session) {
        if (session.listenIntents.isEmpty() || session.transactionStatus != 'I') {
            return;
        }
        Set<String> keep = listens.channelsOfOthers(session);
        listens.apply(session, session.listenIntents);
        StringBuilder relisten = new StringBuilder();
        for (ListenRegistry.Intent intent : session.listenIntents) {
            if (!intent.listen() && ("*".equals(intent.channel()) || keep.contains(intent.channel()))) {
                for (String channel : "*".equals(intent.channel()) ? keep : Set.of(intent.channel())) {
                    relisten.append("LISTEN ").append(identifier(channel)).append(';');
                }
            }
        }
        session.listenIntents.clear();
        if (relisten.length() > 0) {
            internalError(engine, relisten.toString()); // others still listen: the backend must too
        }
    }

    /** Undoes what a departed connection left in the shared backend. */
    private void cleanUp(Engine engine, ClientSession session) {
        forget(session);
        if (session.batchOpen) {
            engine.exchange(SYNC, BackendOutput.collecting(this));
            session.batchOpen = false;
        }
        if (engine.inTransactionBlock()) {
            internalError(engine, "ROLLBACK");
        }
        for (String channel : listens.remove(session)) {
            internalError(engine, "UNLISTEN " + identifier(channel));
        }
        if (sessions.isEmpty()) {
            internalError(engine, "DISCARD ALL"); // the last client left: nothing it set may surprise the next
        } else {
            Set<String> statements;
            synchronized (session) {
                statements = session.statements();
            }
            if (!statements.isEmpty()) {
                ByteArrayOutputStream closes = new ByteArrayOutputStream();
                statements.forEach(statement -> closes.writeBytes(close(statement)));
                closes.writeBytes(SYNC);
                engine.exchange(closes.toByteArray(), BackendOutput.collecting(this));
            }
        }
        LOG.log(Level.DEBUG, "{0}: {1} closed", backend.name(), session);
    }

    private void forget(ClientSession session) {
        sessions.remove(session.processId);
    }

    /** Runs SQL for the server itself; returns PostgreSQL's error message, or null. */
    String internalError(Engine engine, String sql) {
        BackendOutput output = BackendOutput.collecting(this);
        engine.exchange(FrontendMessages.query(sql), output);
        byte[] answer = output.collected();
        for (int position = 0; position + 5 <= answer.length; ) {
            int length = ByteBuffer.wrap(answer, position + 1, 4).getInt();
            if (answer[position] == 'E') {
                return errorMessage(answer, position + 5, position + 1 + length);
            }
            position += 1 + length;
        }
        return null;
    }

    /** Runs a query for the server itself; returns the first column of its rows (text). */
    private List<String> internalColumn(Engine engine, String sql) {
        BackendOutput output = BackendOutput.collecting(this);
        engine.exchange(FrontendMessages.query(sql), output);
        byte[] answer = output.collected();
        List<String> values = new java.util.ArrayList<>();
        for (int position = 0; position + 5 <= answer.length; ) {
            int length = ByteBuffer.wrap(answer, position + 1, 4).getInt();
            if (answer[position] == 'D') {
                int valueLength = ByteBuffer.wrap(answer, position + 7, 4).getInt();
                if (valueLength >= 0) {
                    values.add(new String(answer, position + 11, valueLength, StandardCharsets.UTF_8));
                }
            }
            position += 1 + length;
        }
        return values;
    }

    /** {@code Pglite.exchange}: the API's own traffic, with notifications routed to the listening clients. */
    byte[] exchange(Engine engine, byte[] message) {
        BackendOutput output = BackendOutput.collecting(this);
        engine.exchange(message, output);
        return output.collected();
    }

    /**
     * The backend was restored to a snapshot (engine thread, no connection holding it): the
     * connections' prepared statements are gone from it and are prepared again when next used;
     * the channels clients listen to are listened to again.
     */
    void backendRestored(Engine engine) {
        Set<String> present = new java.util.HashSet<>(internalColumn(engine, "SELECT name FROM pg_prepared_statements"));
        for (ClientSession session : sessions.values()) {
            synchronized (session) {
                session.statementsLost(present);
            }
        }
        StringBuilder listen = new StringBuilder();
        for (String channel : listens.channels()) {
            listen.append("LISTEN ").append(identifier(channel)).append(';');
        }
        if (listen.length() > 0) {
            internalError(engine, listen.toString());
        }
    }

    /** The backend broke: every connection's session died with it. */
    void dropAllSessions(String reason) {
        listens.clear();
        reported.clear();
        for (ClientSession session : sessions.values()) {
            fail(session, ServerError.fatal("57P01", reason, "Reconnect if the instance was restarted."));
        }
        sessions.clear();
    }

    /** Copies {@code message} to the end of {@code out} and releases it. */
    private static void append(ByteBuf out, ByteBuf message) {
        try {
            out.writeBytes(message);
        } finally {
            message.release();
        }
    }

    private static void fail(ClientSession session, ServerError error) {
        if (session.channel.isActive()) { // after a shutdown the event loop takes no more tasks
            session.channel.writeAndFlush(Unpooled.wrappedBuffer(error.toWire()))
                    .addListener(f -> session.channel.close());
        }
    }

    private static void waitQuietly(Object monitor) {
        try {
            monitor.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a client", e);
        }
    }

    private static String errorMessage(byte[] answer, int from, int to) {
        int position = from;
        while (position < to && answer[position] != 0) {
            byte field = answer[position++];
            int end = position;
            while (answer[end] != 0) {
                end++;
            }
            if (field == 'M') {
                return new String(answer, position, end - position, StandardCharsets.UTF_8);
            }
            position = end + 1;
        }
        return "unknown error";
    }

    private static byte[] close(String statement) {
        byte[] name = statement.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(7 + name.length).put((byte) 'C').putInt(6 + name.length).put((byte) 'S')
                .put(name).put((byte) 0).array();
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** How many connections are open now (started and not yet cleaned up). */
    int connectionCount() {
        return sessions.size();
    }
}
