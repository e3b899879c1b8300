package io.pglite.core.server;

import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One client connection's share of the backend. Its input queue and flags are guarded by the
 * session's monitor (the event loop adds, the engine thread takes, and waits on the monitor for
 * more input or for the channel to drain); the protocol state is read and written on the engine
 * thread only.
 */
final class ClientSession {
    final int processId;
    final int secret;
    final Channel channel;
    final String user;
    /** The client's startup parameters still to be applied to the backend; null once applied. */
    Map<String, String> startupParameters;
    /** Prefix of this connection's statement and portal names in the shared backend. */
    final byte[] namePrefix;

    /** Queued input above which the connection stops reading from its socket until the backend catches up. */
    private static final int MAX_PENDING_BYTES = 1 << 20;

    // guarded by this
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private long pendingBytes;
    /** This connection's named statements in the backend, with the Parse that made each. */
    private final Map<String, byte[]> statements = new HashMap<>();
    /** Statements the backend lost in a restore: prepared again, invisibly, when next used. */
    private final Set<String> lost = new HashSet<>();
    Turn turn;
    boolean closed;
    boolean discardUntilSync;

    // engine thread only
    byte transactionStatus = 'I';
    boolean batchOpen;
    boolean copyIn;
    /** ParseComplete answers to hide: those of Parse messages the server sent again after a restore. */
    int hiddenParseCompletes;
    BackendOutput output;
    /** LISTEN/UNLISTEN commands sent since the backend was last idle for this connection. */
    final List<ListenRegistry.Intent> listenIntents = new ArrayList<>();

    ClientSession(int processId, int secret, Channel channel, String user, Map<String, String> startupParameters) {
        this.processId = processId;
        this.secret = secret;
        this.channel = channel;
        this.user = user;
        this.startupParameters = startupParameters;
        this.namePrefix = ("c" + processId + ":").getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether the backend must stay with this connection: a transaction or an unsynced batch is open. */
    boolean holdsBackend() {
        return transactionStatus != 'I' || batchOpen;
    }

    /** Queues a message; returns whether a turn must be scheduled. Caller holds the monitor. */
    boolean add(byte[] message) {
        pending.add(message);
        pendingBytes += message.length;
        if (pendingBytes > MAX_PENDING_BYTES && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false); // TCP pushes back on a client that sends faster than we run
        }
        String statement = StatementNames.statementName(message);
        if (statement != null) {
            lost.remove(statement);
            if (message[0] == 'P') {
                statements.put(statement, message);
            } else {
                statements.remove(statement);
            }
        }
        notifyAll();
        return turn == null;
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Everything queued, as one array; tracks whether an extended-protocol batch stays open. Caller holds the monitor. */
    byte[] drain() {
        if (!lost.isEmpty()) {
            prepareLostStatements();
        }
        int size = 0;
        for (byte[] message : pending) {
            size += message.length;
        }
        byte[] all = new byte[size];
        int position = 0;
        byte[] message;
        while ((message = pending.poll()) != null) {
            System.arraycopy(message, 0, all, position, message.length);
            position += message.length;
            List<ListenRegistry.Intent> intents = ListenRegistry.intents(message);
            if (!intents.isEmpty()) {
                listenIntents.addAll(intents);
            }
            switch (message[0]) {
                case 'P': case 'B': case 'D': case 'E': case 'C':
                    batchOpen = true;
                    break;
                case 'S':
                    batchOpen = false;
                    break;
                default:
                    break;
            }
        }
        pendingBytes = 0;
        if (!channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
        return all;
    }

    /** The backend was restored: every statement of this connection is gone from it. Caller holds the monitor. */
    void statementsLost() {
        lost.addAll(statements.keySet());
    }

    /** Puts the Parse of a lost statement before the first message that uses it. */
    private void prepareLostStatements() {
        ArrayDeque<byte[]> with = new ArrayDeque<>(pending.size() + 4);
        for (byte[] message : pending) {
            String used = StatementNames.usedStatement(message);
            if (used != null && lost.remove(used)) {
                with.add(statements.get(used));
                hiddenParseCompletes++;
            }
            with.add(message);
        }
        pending.clear();
        pending.addAll(with);
    }

    /** The queued messages, for answering them without the backend. Caller holds the monitor. */
    ArrayDeque<byte[]> takePending() {
        ArrayDeque<byte[]> taken = new ArrayDeque<>(pending);
        pending.clear();
        pendingBytes = 0;
        channel.config().setAutoRead(true);
        return taken;
    }

    /** The named statements this connection has in the backend. Caller holds the monitor. */
    Set<String> statements() {
        Set<String> present = new HashSet<>(statements.keySet());
        present.removeAll(lost);
        return present;
    }

    @Override
    public String toString() {
        return "connection " + processId;
    }
}
