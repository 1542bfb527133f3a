package goflow.impl.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A blocking call run on a thread of its own, so that a test can watch it wait and then see how it
 * ended. Each call gets a new platform thread named {@code test-async}; it ends when the call does.
 */
public final class Async {
    private Async() {
    }

    /**
     * Starts {@code call} on a new thread.
     *
     * @param call the blocking call
     * @param <V> what it returns
     * @return completed with what the call returned, or exceptionally with what it threw
     */
    public static <V> CompletableFuture<V> start(Callable<V> call) {
        return start(call, new java.util.ArrayList<>());
    }

    /**
     * Starts {@code call} on a new thread, first adding the thread to {@code started} (for a test
     * that waits until its calls block).
     *
     * @param call the blocking call
     * @param started receives the thread before it starts
     * @param <V> what it returns
     * @return completed with what the call returned, or exceptionally with what it threw
     */
    public static <V> CompletableFuture<V> start(Callable<V> call, java.util.Collection<Thread> started) {
        CompletableFuture<V> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(call.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "test-async");
        started.add(t);
        t.start();
        return f;
    }

    /**
     * Waits (bounded by {@link Eventually#TIMEOUT}) for a call that must fail, and returns its failure.
     *
     * @param f a future from {@link #start}
     * @return what the call threw
     * @throws InterruptedException if the test thread is interrupted
     * @throws AssertionError if the call returned normally or did not end in time
     */
    public static Throwable failureOf(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(Eventually.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("call did not end", e);
        }
        throw new AssertionError("call did not fail");
    }

    /**
     * Waits for {@code latch} ignoring interrupts, as a stuck task does (a job that ignores its
     * context and interrupts); restores the interrupt flag afterwards if one came.
     *
     * @param latch what to wait for
     */
    public static void awaitIgnoringInterrupts(java.util.concurrent.CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
