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
    /** The Parse messages put in the queue for those, by identity, until they are sent. */
    private final Set<byte[]> injected = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    Turn turn;
    boolean closed;
    boolean discardUntilSync;

    // engine thread only
    byte transactionStatus = 'I';
    boolean batchOpen;
    boolean copyIn;
    /**
     * The ParseComplete answers to hide, of the Parse messages the server sent again after a restore,
     * in order: each as {ReadyForQuery answers before its own, its place among the ParseCompletes
     * after the last ReadyForQuery}. By place, not by count: a simple Query or a Sync between the
     * client's messages ends a segment, and an error skips the rest of its segment.
     */
    private final ArrayDeque<int[]> hiddenParseCompletes = new ArrayDeque<>();
    /** Parse messages sent since the last Sync or Query, and ParseCompletes seen since the last ReadyForQuery. */
    private int parsesInSegment;
    private int parseCompletesInSegment;
    /** Whether this connection ever parsed a statement that may be a COPY (then each Execute may start one). */
    private boolean parsedCopy;
    BackendOutput output;
    /** LISTEN/UNLISTEN commands sent since the backend was last idle for this connection. */
    final List<ListenRegistry.Intent> listenIntents = new ArrayList<>();

    /**
     * @param namespace unique to the server, so that statement names never match those of another
     *        instance's snapshot restored here
     */
    ClientSession(int processId, int secret, Channel channel, String user, Map<String, String> startupParameters,
            String namespace) {
        this.processId = processId;
        this.secret = secret;
        this.channel = channel;
        this.user = user;
        this.startupParameters = startupParameters;
        this.namePrefix = ("c" + processId + "." + namespace + ":").getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether the backend must stay with this connection: a transaction or an unsynced batch is open. */
    boolean holdsBackend() {
        return transactionStatus != 'I' || batchOpen;
    }

    /** Queues a message. Caller holds the monitor. */
    void add(byte[] message) {
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
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /**
     * What is queued, as one array; tracks whether an extended-protocol batch stays open. After a
     * statement that may start a COPY FROM STDIN it stops before the first message that could not be
     * COPY input: should the statement start one, the backend would read that message as COPY input
     * and, finding it is not, exit ("protocol synchronization was lost"). The rest reaches the
     * backend through {@link #drainCopyInput()}, which refuses it, or through the next drain once
     * the statement is over. Only a statement whose text says {@code copy} can start a COPY: a
     * Query that does, or an Execute once this connection parsed one that does. Caller holds the
     * monitor.
     */
    byte[] drain() {
        if (!lost.isEmpty()) {
            prepareLostStatements();
        }
        List<byte[]> taken = new ArrayList<>();
        boolean mayBeCopying = false;
        byte[] message;
        while ((message = pending.peek()) != null && !(mayBeCopying && !isCopyInput(message[0]))) {
            taken.add(pending.poll());
            switch (message[0]) {
                case 'P':
                    parsedCopy |= mentionsCopy(message);
                    break;
                case 'Q':
                    mayBeCopying = mentionsCopy(message);
                    break;
                case 'E':
                    mayBeCopying = parsedCopy;
                    break;
                case 'c': case 'f':
                    mayBeCopying = false;
                    break;
                default:
                    break;
            }
        }
        return join(taken);
    }

    /** Whether the word copy, in any case, occurs in the message (a statement's text, and its name). */
    private static boolean mentionsCopy(byte[] message) {
        for (int i = 5; i + 3 < message.length; i++) {
            if ((message[i] | 0x20) == 'c' && (message[i + 1] | 0x20) == 'o' && (message[i + 2] | 0x20) == 'p'
                    && (message[i + 3] | 0x20) == 'y') {
                return true;
            }
        }
        return false;
    }

    /**
     * The queued input for the COPY FROM STDIN in progress, up to the CopyDone or CopyFail that ends
     * it; null, leaving the queue as it is, when a message the backend cannot take during COPY comes
     * first (PostgreSQL ends the connection for that). Caller holds the monitor.
     */
    byte[] drainCopyInput() {
        int count = 0;
        for (byte[] message : pending) {
            if (!isCopyInput(message[0])) {
                return null;
            }
            count++;
            if (message[0] == 'c' || message[0] == 'f') {
                break;
            }
        }
        List<byte[]> taken = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            taken.add(pending.poll());
        }
        return join(taken);
    }

    /** The type of the first queued message the COPY in progress cannot take; 0 when there is none. */
    byte firstNonCopyInput() {
        for (byte[] message : pending) {
            if (!isCopyInput(message[0])) {
                return message[0];
            }
        }
        return 0;
    }

    /** What the backend accepts during COPY FROM STDIN: CopyData, CopyDone, CopyFail, Flush and Sync. */
    private static boolean isCopyInput(byte type) {
        return type == 'd' || type == 'c' || type == 'f' || type == 'H' || type == 'S';
    }

    private byte[] join(List<byte[]> messages) {
        int size = 0;
        for (byte[] message : messages) {
            size += message.length;
        }
        byte[] all = new byte[size];
        int position = 0;
        int readyBefore = 0;
        for (byte[] message : messages) {
            System.arraycopy(message, 0, all, position, message.length);
            position += message.length;
            if (message[0] == 'P') {
                parsesInSegment++;
                if (injected.remove(message)) {
                    hiddenParseCompletes.add(new int[] {readyBefore, parsesInSegment});
                }
            } else if (message[0] == 'S' || message[0] == 'Q') {
                readyBefore++;
                parsesInSegment = 0;
            }
            List<ListenRegistry.Intent> intents = ListenRegistry.intents(message);
            if (!intents.isEmpty()) {
                listenIntents.addAll(intents);
            }
            switch (message[0]) {
                // Flush too: an error in one (a Flush with a body) makes the backend skip to the next Sync
                case 'P': case 'B': case 'D': case 'E': case 'C': case 'H':
                    batchOpen = true;
                    break;
                case 'S':
                    batchOpen = false;
                    break;
                default:
                    break;
            }
        }
        pendingBytes = Math.max(0, pendingBytes - size); // injected Parse messages were never counted
        if (pendingBytes <= MAX_PENDING_BYTES && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
        return all;
    }

    /**
     * The backend was restored to a snapshot, which has the named statements {@code present}: this
     * connection's others are gone from it and are prepared again when next used. Caller holds the monitor.
     */
    void statementsLost(Set<String> present) {
        lost.clear();
        for (String statement : statements.keySet()) {
            if (!present.contains(statement)) {
                lost.add(statement);
            }
        }
    }

    /** Puts the Parse of a lost statement before the first message that uses it. */
    private void prepareLostStatements() {
        ArrayDeque<byte[]> with = new ArrayDeque<>(pending.size() + 4);
        for (byte[] message : pending) {
            String used = StatementNames.usedStatement(message);
            if (used != null && lost.remove(used)) {
                byte[] parse = statements.get(used).clone(); // its own identity: the client may send these bytes too
                injected.add(parse);
                with.add(parse);
            }
            with.add(message);
        }
        pending.clear();
        pending.addAll(with);
    }

    /**
     * Whether a ParseComplete from the backend answers a Parse the server sent again, and is to be
     * hidden from the client. Engine thread.
     */
    boolean hideParseComplete() {
        parseCompletesInSegment++;
        int[] next = hiddenParseCompletes.peek();
        if (next != null && next[0] == 0 && next[1] == parseCompletesInSegment) {
            hiddenParseCompletes.poll();
            return true;
        }
        return false;
    }

    /**
     * A ReadyForQuery from the backend ends a segment: a hidden ParseComplete still expected in it
     * will not come (an error skipped its Parse). Engine thread.
     */
    void readyForQuery() {
        parseCompletesInSegment = 0;
        hiddenParseCompletes.removeIf(next -> next[0] == 0);
        for (int[] next : hiddenParseCompletes) {
            next[0]--;
        }
    }

    /** The queued messages, for answering them without the backend. Caller holds the monitor. */
    ArrayDeque<byte[]> takePending() {
        ArrayDeque<byte[]> taken = new ArrayDeque<>(pending);
        pending.clear();
        injected.clear();
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
