package io.pglite.core;

import java.util.Set;
import java.util.stream.Collectors;

/** Live threads, for tests that check instances leave none behind. */
final class TestThreads {
    private TestThreads() {
    }

    /**
     * The names of live threads starting with {@code prefix}, once none is left or {@code millis}
     * have passed: the shared memory-zeroing thread ends only after a second without work.
     */
    static Set<String> namedAfterAtMost(String prefix, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            Set<String> threads = Thread.getAllStackTraces().keySet().stream()
                    .map(Thread::getName).filter(n -> n.startsWith(prefix)).collect(Collectors.toSet());
            if (threads.isEmpty() || System.currentTimeMillis() > deadline) {
                return threads;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return threads;
            }
        }
    }
}
