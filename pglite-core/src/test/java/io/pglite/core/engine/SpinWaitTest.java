package io.pglite.core.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SpinWaitTest {
    private static final long MICROS = 1000;

    @Test
    void doesNotSpinBeforeItKnowsHowLongWaitsTake() {
        assertFalse(new SpinWait(100).spins(0));
    }

    @Test
    void spinsUpToTheLimitAfterAShortWait() {
        SpinWait wait = new SpinWait(100);
        wait.waited(40 * MICROS);
        assertTrue(wait.spins(0));
        assertTrue(wait.spins(99 * MICROS));
        assertFalse(wait.spins(100 * MICROS), "never past the limit");
    }

    @Test
    void sleepsAtOnceAfterALongWaitAndSpinsAgainAfterAShortOne() {
        SpinWait wait = new SpinWait(100);
        wait.waited(5 * MICROS);
        wait.waited(250 * MICROS);
        assertFalse(wait.spins(0));
        wait.waited(100 * MICROS);
        assertTrue(wait.spins(0));
    }

    @Test
    void aWaitCountsUntilWhatItWaitedForWasReadyNotUntilTheThreadWokeUp() {
        SpinWait wait = new SpinWait(100);
        wait.readyAfter(1000 * MICROS, 1040 * MICROS); // the thread itself woke up much later
        assertTrue(wait.spins(0));
        wait.readyAfter(1000 * MICROS, 1250 * MICROS);
        assertFalse(wait.spins(0));
        wait.readyAfter(1000 * MICROS, 990 * MICROS); // ready before the wait began: no wait at all
        assertTrue(wait.spins(0));
    }

    @Test
    void aLimitOfZeroNeverSpins() {
        SpinWait wait = new SpinWait(0);
        wait.waited(0);
        assertFalse(wait.spins(0));
    }

    @Test
    void spinUntilReturnsOnceTheConditionHolds() {
        SpinWait wait = new SpinWait(60_000_000); // a minute: only the condition can end this spin
        wait.waited(0);
        AtomicInteger polls = new AtomicInteger();
        assertTrue(wait.spinUntil(() -> polls.incrementAndGet() == 1000, System.nanoTime()));
    }

    @Test
    void spinUntilGivesUpAtTheLimit() {
        SpinWait wait = new SpinWait(2000);
        wait.waited(0);
        long start = System.nanoTime();
        assertFalse(wait.spinUntil(() -> false, start));
        assertTrue(System.nanoTime() - start >= 2000 * MICROS);
    }

    @Test
    void spinUntilDoesNotSpinWhenTheLastWaitWasLong() {
        SpinWait wait = new SpinWait(60_000_000);
        wait.waited(Long.MAX_VALUE);
        AtomicInteger polls = new AtomicInteger();
        assertFalse(wait.spinUntil(() -> polls.incrementAndGet() > 1, System.nanoTime()));
        assertTrue(polls.get() == 1, "checked once, then gave up");
    }
}
