package io.pglite.core.engine;

import java.util.function.BooleanSupplier;

/**
 * Whether a thread that waits for another thread spins before it sleeps. Waking a sleeping thread
 * costs 10-20 µs on a small virtual machine, as much as the engine needs for a simple query, and a
 * query crosses threads up to four times (I/O thread, engine thread, and back). Spinning saves that
 * when the wait is short and wastes a core when it is not, so a wait spins only when the previous
 * wait of the same kind ended within the limit: statements sent back to back get spinning, a client
 * that works between its statements does not.
 *
 * <p>The limit is {@value #PROPERTY} (microseconds, default {@value #DEFAULT_MICROS}); 0 never spins.
 * Safe for any number of threads: the last wait is a hint, read and written without locking.
 */
public final class SpinWait {
    /** System property: how long a wait may spin, in microseconds; 0 turns spinning off. */
    public static final String PROPERTY = "pglite.spinMicros";
    static final long DEFAULT_MICROS = 100;

    private final long limitNanos;
    /** How long the last wait took; unknown (no spinning) until the first one ends. */
    private volatile long lastWaitNanos = Long.MAX_VALUE;

    SpinWait(long limitMicros) {
        this.limitNanos = Math.max(0, limitMicros) * 1000;
    }

    /** A policy with the limit from {@value #PROPERTY}. */
    public static SpinWait configured() {
        return new SpinWait(Long.getLong(PROPERTY, DEFAULT_MICROS));
    }

    /** Whether a wait that started {@code waitingNanos} ago should go on spinning rather than sleep. */
    public boolean spins(long waitingNanos) {
        return waitingNanos < limitNanos && lastWaitNanos <= limitNanos;
    }

    /** A wait ended after {@code nanos}; the next one spins if this one was short. */
    public void waited(long nanos) {
        lastWaitNanos = nanos;
    }

    /**
     * A wait that began at {@code startNanos} ended; what it waited for was handed over at
     * {@code readyNanos}. Only the time until then counts: the time this thread took to wake up
     * after it is its own, and counting it would make one late wake-up send the next wait to sleep
     * too, and so on.
     */
    public void readyAfter(long startNanos, long readyNanos) {
        waited(Math.max(0, readyNanos - startNanos));
    }

    /**
     * Spins until {@code done} or until {@link #spins} says to stop; returns whether {@code done}
     * holds. The caller then sleeps in its own way if it does not, and reports the whole wait to
     * {@link #waited}.
     */
    public boolean spinUntil(BooleanSupplier done, long startNanos) {
        while (!done.getAsBoolean()) {
            if (!spins(System.nanoTime() - startNanos)) {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }
}
