package io.pglite.core;

/** The heap in use after the garbage collector had its chance: for tests that look for leaks. */
public final class Heap {
    private Heap() {
    }

    public static long usedAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
