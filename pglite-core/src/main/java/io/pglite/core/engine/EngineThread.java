package io.pglite.core.engine;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The one thread that runs an engine. Chicory instances are not thread-safe, and compiled wasm
 * recursion runs on the JVM stack, so the thread gets a large stack of its own. Hand-offs both ways
 * spin briefly before sleeping ({@link SpinWait}): the thread waiting for its next task, and a
 * caller of {@link #call(Callable)} waiting for the result.
 */
public final class EngineThread implements AutoCloseable {
    private final ExecutorService executor;
    private final SpinWait resultWait = SpinWait.configured();
    private volatile Thread thread;

    public EngineThread(String name, long stackSize) {
        executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new TaskQueue(), task -> {
            Thread t = new Thread(null, task, name, stackSize);
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    /** Runs {@code task} on the engine thread and waits for it; its exceptions propagate unwrapped. */
    public <T> T call(Callable<T> task) {
        if (Thread.currentThread() == thread) {
            try {
                return task.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        long start = System.nanoTime();
        Future<T> future = executor.submit(task);
        resultWait.spinUntil(future::isDone, start);
        try {
            return join(future);
        } finally {
            resultWait.waited(System.nanoTime() - start);
        }
    }

    /** Queues {@code task} without waiting for it: {@link #join} gets its result. */
    public <T> Future<T> submit(Callable<T> task) {
        return executor.submit(task);
    }

    /**
     * Waits for a task {@link #submit} queued, even when interrupted (the engine cannot stop
     * mid-statement; the interrupt is flagged again afterwards); its exceptions propagate unwrapped.
     */
    public static <T> T join(Future<T> future) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Like {@link #call(Callable)}, but gives up with {@code giveUp}'s exception when the thread has
     * not started the task within {@code timeout}; once started, the task runs to its end.
     */
    public <T> T call(Callable<T> task, java.time.Duration timeout, java.util.function.Supplier<RuntimeException> giveUp) {
        if (Thread.currentThread() == thread) {
            return call(task);
        }
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.FutureTask<T> future = new java.util.concurrent.FutureTask<>(() -> {
            if (!started.compareAndSet(false, true)) {
                return null; // given up on before it started
            }
            return task.call();
        });
        executor.execute(future);
        try {
            try {
                return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (started.compareAndSet(false, true)) {
                    throw giveUp.get();
                }
                return future.get(); // it started meanwhile: wait for its end
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the engine", e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /** The task's own exception, unwrapped: unchecked ones as they are, checked ones wrapped. */
    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException) {
            return (RuntimeException) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return new IllegalStateException(cause);
    }

    /**
     * Queues {@code task} behind the work queued before it, without waiting.
     *
     * @throws java.util.concurrent.RejectedExecutionException once the thread is closed
     */
    public void execute(Runnable task) {
        executor.execute(task);
    }

    /** Stops the thread once queued work is done; waits for it to end. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The engine thread's queue: it spins for its next task before it sleeps. A wait counts until
     * the task was queued ({@link SpinWait#readyAfter}).
     */
    private static final class TaskQueue extends LinkedBlockingQueue<Runnable> {
        private final SpinWait taskWait = SpinWait.configured();
        private final BooleanSupplier hasTask = () -> !isEmpty();
        private volatile long lastQueued;

        @Override
        public boolean offer(Runnable task) {
            lastQueued = System.nanoTime();
            return super.offer(task);
        }

        @Override
        public Runnable take() throws InterruptedException {
            long start = System.nanoTime();
            Runnable next = poll();
            if (next == null) {
                if (taskWait.spinUntil(hasTask, start)) {
                    next = poll();
                }
                if (next == null) {
                    next = super.take();
                }
            }
            taskWait.readyAfter(start, lastQueued);
            return next;
        }
    }
}
