package goflow.impl.channel;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.ChannelLink;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.impl.internal.Durations;

/**
 * A running {@link ChannelLink}: a fixed set of worker threads sharing one cancellable context.
 *
 * <p>Life cycle: the constructor derives {@code linkCtx} from the caller's context; {@link #start}
 * starts every worker. A worker ends normally when its source is drained, or records the first
 * failure in {@code failure} (a CAS, so only the first counts) and cancels {@code linkCtx}, which
 * stops the others. The last worker to end (counted down in {@code running}) closes the targets and
 * completes {@code done}. {@link #close()} cancels {@code linkCtx} and joins the threads.
 *
 * <p>Thread-safe.
 */
final class Link implements ChannelLink {
    private static final System.Logger LOG = System.getLogger(Link.class.getName());

    /** One worker's loop; it returns normally when its source is drained. */
    @FunctionalInterface
    interface Worker {
        void run(Context ctx) throws InterruptedException;
    }

    private final String name;
    private final CancellableContext linkCtx;
    private final List<? extends BackpressureChannel<?>> targets;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong transferred = new AtomicLong();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final ThreadFactory threadFactory;

    Link(String name, Context ctx, List<? extends BackpressureChannel<?>> targets) {
        this(name, ctx, targets, Thread::new);
    }

    /** With the factory of the worker threads (tests make their start fail with it). */
    Link(String name, Context ctx, List<? extends BackpressureChannel<?>> targets, ThreadFactory threadFactory) {
        this.name = name;
        this.linkCtx = ctx.withCancel();
        this.targets = List.copyOf(targets);
        this.threadFactory = threadFactory;
    }

    /** Adds a worker thread; call before {@link #start}. */
    void add(Worker worker) {
        int n = threads.size() + 1;
        Thread t = threadFactory.newThread(() -> runWorker(worker));
        t.setName("goflow-channel-" + name + "-" + n);
        t.setDaemon(true);
        threads.add(t);
    }

    /**
     * Starts every worker. If one cannot be started (native threads exhausted, say), the link
     * fails with that error: the workers already started stop (the link's context is cancelled),
     * the last of them closes the targets and completes {@link #completion()} exceptionally (at
     * once if none had started), and the error is thrown.
     */
    Link start() {
        running.set(threads.size());
        for (int i = 0; i < threads.size(); i++) {
            try {
                threads.get(i).start();
            } catch (RuntimeException | Error e) {
                fail(e);
                if (running.addAndGet(i - threads.size()) == 0) { // the unstarted ones never count down
                    finish();
                }
                throw e;
            }
        }
        return this;
    }

    /** Counts a delivered value (or batch). */
    void delivered() {
        transferred.incrementAndGet();
    }

    private void runWorker(Worker worker) {
        try {
            worker.run(linkCtx);
        } catch (Throwable e) {
            // InterruptedException, RuntimeExceptions, Errors, and checked exceptions a mapping
            // function throws past the compiler (Kotlin, Scala, Lombok's @SneakyThrows): all fail
            // the link; none may end it as if its source had been drained
            fail(e);
        } finally {
            if (running.decrementAndGet() == 0) {
                finish();
            }
        }
    }

    private void fail(Throwable e) {
        if (failure.compareAndSet(null, e)) {
            linkCtx.cancel(e);
        }
    }

    private void finish() {
        for (BackpressureChannel<?> target : targets) {
            try {
                target.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "link '" + name + "' could not close " + target.name(), e);
            }
        }
        linkCtx.close();
        Throwable f = failure.get();
        if (f == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(f);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<Void> completion() {
        return done.minimalCompletionStage();
    }

    @Override
    public boolean isDone() {
        return done.isDone();
    }

    @Override
    public boolean awaitDone(Duration timeout) throws InterruptedException {
        try {
            long nanos = Math.max(0, Durations.toNanosSaturated(timeout));
            done.get(nanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            return true;
        } catch (TimeoutException e) {
            return false;
        }
        return true;
    }

    @Override
    public long transferred() {
        return transferred.get();
    }

    @Override
    public void close() {
        linkCtx.cancel();
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive() && t != Thread.currentThread()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ChannelLink[" + name + (done.isDone() ? ", done" : ", running") + ", transferred="
                + transferred.get() + "]";
    }
}
