package goflow.impl.channel;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.ChannelLink;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.impl.internal.BoundedPark;
import goflow.impl.internal.Check;
import goflow.impl.internal.Durations;
import goflow.impl.internal.StuckThreads;

/**
 * A running {@link ChannelLink}: a fixed set of worker threads sharing one cancellable context.
 *
 * <p>Life cycle: the constructor derives {@code linkCtx} from the caller's context; {@link #start}
 * starts every worker. A worker ends normally when its source is drained, or records the first
 * failure in {@code failure} (a CAS, so only the first counts) and cancels {@code linkCtx}, which
 * stops the others. The last worker to end (counted down in {@code running}) closes the targets and
 * completes {@code done}. Each worker counts itself in {@code ended} as the last thing it does and
 * wakes the waiting closers. {@link #close()} cancels {@code linkCtx}, waits until every other
 * worker has ended and joins the threads; past a timeout, or when interrupted, it gives up (see
 * {@link #giveUp}): a worker stuck in a mapping function that ignores cancellation and interrupts
 * cannot hold its caller for ever.
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
    /** Workers that have finished everything they do (and the ones that never started). */
    private final AtomicInteger ended = new AtomicInteger();
    /** Threads in {@link #close} or {@link #awaitDone}, woken by each worker as it ends and when {@code done} completes. */
    private final Set<Thread> closers = ConcurrentHashMap.newKeySet();
    /** Set by the first close that gave up on threads still running; it closed the targets. */
    private final AtomicBoolean gaveUp = new AtomicBoolean();

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
                ended.addAndGet(threads.size() - i); // the unstarted ones never end on their own
                if (running.addAndGet(i - threads.size()) == 0) { // nor count down
                    finish();
                }
                wakeClosers();
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
            try {
                if (running.decrementAndGet() == 0) {
                    finish();
                }
            } finally {
                ended.incrementAndGet();
                wakeClosers();
            }
        }
    }

    private void wakeClosers() {
        for (Thread closer : closers) {
            LockSupport.unpark(closer);
        }
    }

    private void fail(Throwable e) {
        if (failure.compareAndSet(null, e)) {
            linkCtx.cancel(e);
        }
    }

    private void finish() {
        closeTargets();
        linkCtx.close();
        Throwable f = failure.get();
        if (f == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(f);
        }
        wakeClosers(); // the waiters in awaitDone
    }

    private void closeTargets() {
        for (BackpressureChannel<?> target : targets) {
            try {
                target.close();
            } catch (Throwable e) {
                // An Error too (a NoClassDefFoundError from a refreshed bundle behind the target, a
                // checked exception thrown undeclared): escaping here, it would leave the other
                // targets open and completion() never completed
                LOG.log(Level.WARNING, "link '" + name + "' could not close " + target.name(), e);
            }
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
        Check.notNull("channel link '" + name + "'", "timeout", timeout);
        // done completes on the last worker, while it and the others still finish their last lines:
        // wait for every other worker to have ended too, then for its thread to stop
        Thread self = Thread.currentThread();
        int others = threads.size() - (threads.contains(self) ? 1 : 0);
        if (!done.isDone() || ended.get() < others) {
            // On the context's clock, as close(Duration): a test's fake clock drives the timeout
            closers.add(self); // woken as each worker ends and when done completes
            BoundedPark.End end;
            try {
                end = BoundedPark.until(() -> done.isDone() && ended.get() >= others, linkCtx.clock(),
                        Math.max(0, Durations.toNanosSaturated(timeout)), this);
            } finally {
                closers.remove(self);
            }
            if (end == BoundedPark.End.INTERRUPTED) {
                throw new InterruptedException("waiting for channel link '" + name + "' to end was interrupted");
            }
            if (end == BoundedPark.End.TIMED_OUT) {
                return false;
            }
        }
        for (Thread t : threads) {
            if (t != self) {
                t.join(); // it has run its last line: it ends in a moment
            }
        }
        return true;
    }

    @Override
    public long transferred() {
        return transferred.get();
    }

    @Override
    public void close() {
        closeWithin(-1, null);
    }

    @Override
    public boolean close(Duration timeout) {
        Check.notNegative("channel link '" + name + "'", "timeout", timeout,
                "how long close waits for the link's threads to stop");
        return closeWithin(Durations.toNanosSaturated(timeout), timeout);
    }

    /**
     * Cancels the link and waits until every worker but the calling one has ended, at most
     * {@code timeoutNanos} on the context's clock ({@code -1}: no limit), then joins their threads.
     * Past the timeout, or when interrupted, gives up on the workers still running.
     *
     * @return whether every thread of the link has stopped
     */
    private boolean closeWithin(long timeoutNanos, Duration timeout) {
        linkCtx.cancel();
        Thread self = Thread.currentThread();
        boolean own = threads.contains(self);
        int others = threads.size() - (own ? 1 : 0);
        BoundedPark.End end;
        closers.add(self);
        try {
            end = BoundedPark.until(() -> ended.get() >= others, linkCtx.clock(), timeoutNanos, this);
        } finally {
            closers.remove(self);
        }
        boolean interrupted = end == BoundedPark.End.INTERRUPTED;
        String why = switch (end) {
            case DONE -> null;
            case INTERRUPTED -> "the close was interrupted";
            case TIMED_OUT -> "its threads did not stop within " + timeout;
        };
        boolean stopped = !own;
        if (why == null) {
            // every other worker has run its last line: its thread ends in a moment
            for (Thread t : threads) {
                while (t != self && t.isAlive() && !interrupted) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                stopped &= t == self || !t.isAlive();
            }
        } else {
            giveUp(why, self);
            stopped = false;
        }
        if (interrupted) {
            self.interrupt();
        }
        return stopped;
    }

    /**
     * Gives up on the workers still running (stuck in a mapping function that ignores the
     * cancellation): records the cancellation as the link's failure (so a target closed here is
     * not reported as one closed underneath the link), interrupts them, closes the targets so that
     * their receivers see the end, and names the threads in a WARNING. A worker that returns later
     * delivers nothing (its context is cancelled, its targets closed) and ends; the last one
     * completes {@link #completion()}.
     */
    private void giveUp(String why, Thread self) {
        linkCtx.error().ifPresent(this::fail);
        List<Thread> stuck = new ArrayList<>();
        for (Thread t : threads) {
            if (t != self && t.isAlive()) {
                t.interrupt();
                stuck.add(t);
            }
        }
        if (gaveUp.compareAndSet(false, true)) {
            closeTargets();
            if (!stuck.isEmpty()) {
                LOG.log(Level.WARNING, "link '" + name + "': close gave up (" + why + ") on threads still running: "
                        + StuckThreads.describe(stuck) + "; they were interrupted and the targets closed; they end "
                        + "when the function they are in returns, delivering nothing more");
            }
        }
    }

    @Override
    public String toString() {
        return "ChannelLink[" + name + (done.isDone() ? ", done" : ", running") + ", transferred="
                + transferred.get() + "]";
    }
}
