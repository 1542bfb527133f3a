package goflow.impl.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.context.Context;
import goflow.api.io.AsyncWriter;
import goflow.api.io.BufferFullException;
import goflow.api.io.WriteFailedException;
import goflow.api.io.WriterStats;
import goflow.impl.internal.BoundedPark;
import goflow.impl.internal.Check;
import goflow.impl.internal.ContextWait;
import goflow.impl.internal.Durations;
import goflow.impl.internal.PrimitiveRegistry;
import goflow.impl.internal.Stoppable;

/**
 * A ring buffer of bytes filled by any thread and drained by one flusher thread.
 *
 * <p>Thread-safe. All mutable state is guarded by {@code lock} (so {@link #stats()} is a consistent
 * snapshot). The flusher writes the bytes in {@code [head, head + count)} to the sink <em>without</em>
 * holding the lock: writers only ever copy into the free part of the ring, and {@code head} moves
 * only after the sink accepted the bytes, so the region being written is never touched by anyone
 * else. Byte order in the sink is therefore exactly the order in which writes were accepted, each
 * write contiguous (it is copied in one critical section), and a failed sink call is retried from
 * the same offset: nothing is lost, reordered or written twice.
 */
final class AsyncWriterImpl implements AsyncWriter, Stoppable {
    /*
     * Flusher state machine: RUNNING (closed == false) -> CLOSING (closed == true: no writes are
     * accepted; the flusher writes everything, then exits) -> TERMINATED (terminated == true,
     * the thread has ended, the sink is closed if configured, `stopped` is complete).
     * Side exits, each reported once (error callback, log, bytesDiscarded, lossReport):
     * - stopNow (stopRequested, from close(Duration) at its timeout or a bounded close): the
     *   flusher stops retrying and starting sink calls, and gives up what is pending (giveUp);
     * - abandoned (a closer gave up on a flusher stuck in the sink): the closer counts the pending
     *   bytes as discarded and leaves; the flusher, once the sink returns, only moves the bytes
     *   that call did write from discarded to written, and exits;
     * - a closing round (one that began after the close) failed on every attempt: giveUp. A round
     *   that was under way when the close came is followed by a closing round, not given up
     *   (unless the writer is stopped: then no round makes another attempt);
     * - closed from the error callback of a round that gave up (on the flusher, which cannot wait
     *   for itself): that close gives up what is pending at once (giveUpInCallback), as the
     *   flusher would once the callback returned, so the close can report it;
     * - failure (the flusher's own code threw, not the sink): the writer closes at once (fail),
     *   discards what is pending, and every later write or flush names the failure.
     * A throwable from the sink is never a flusher failure: it is retried like an IOException.
     *
     * The flusher parks on the injected clock and is unparked by whoever creates work for it
     * (threshold reached, first byte into an empty buffer, a waiting writer, flush(), close()).
     * It re-checks due() after every wake-up, so a lost or spurious wake-up is harmless.
     *
     * Flush requests are totals: flush() waits until flushedMark (bytes written and the sink
     * flushed) reaches the value of `accepted` at its call. A flush round that gives up after all
     * attempts increments failedRounds; a waiting flush() that sees it change before its mark was
     * reached fails with lastFailure.
     */
    private static final System.Logger LOG = System.getLogger(AsyncWriterImpl.class.getName());
    private static final long MAX_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The writer's conditions are signalled to all waiters: a waiter that leaves has nothing to pass on. */
    private static final BooleanSupplier NEVER_PASS_ON = () -> false;
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** tryLock attempts before a writer parks on the lock. */
    private static final int WRITE_SPINS = 64;

    private final String name;
    private final WriterOutput sink;
    private final Charset charset;
    private final int threshold;
    private final long intervalNanos;
    private final boolean blockWhenFull;
    private final int maxRetries;
    private final long retryDelayNanos;
    private final Consumer<? super WriteFailedException> onError;
    private final boolean closeOutput;
    private final Clock clock;
    private final PrimitiveRegistry.Entry entry;
    private final Thread flusher;
    private final WriterOutputStream stream;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled (all) when the flusher frees room, and on close. */
    private final Condition space = lock.newCondition();
    /** Signalled (all) when flushedMark advances, a round fails, or the flusher terminates. */
    private final Condition progress = lock.newCondition();

    /** The ring; pending bytes are [head, head + count) modulo its length. Guarded by lock. */
    private final byte[] buf;
    private int head;
    private int count;
    /** Clock time when the oldest pending byte was accepted. Guarded by lock. */
    private long firstPendingAt;
    /**
     * The {@code accepted} total the last round started writes up to ({@code -1} before the first),
     * and when the first byte beyond it was accepted: the oldest byte still pending once that round
     * has succeeded, whose interval runs from then, not from the round's end. Guarded by lock.
     */
    private long roundTarget = -1;
    private long firstAfterRoundAt;
    /** Writers waiting for room. Guarded by lock. */
    private int waitingWriters;
    /** The largest `accepted` total a flush() waits for. Guarded by lock. */
    private long flushRequest;
    /** Written bytes covered by a successful sink flush. Guarded by lock. */
    private long flushedMark;
    /** Rounds that gave up; the last one's failure and its reason (without the writer's name). Guarded by lock. */
    private long failedRounds;
    private WriteFailedException lastFailure;
    private String lastFailureReason;
    /** After a failed round, no new round starts before this clock time (unless closing). Guarded by lock. */
    private boolean backoff;
    private long retryNotBefore;
    /** Writes are refused once set. Guarded by lock for writes; volatile for isClosed(). */
    private volatile boolean closed;
    /** Set by the flusher as it ends. Guarded by lock. */
    private boolean terminated;
    /** Completed by the flusher as it ends, after terminated is set. */
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /** Completed when closers need not wait any more: the flusher ended, or was abandoned. */
    private final CompletableFuture<Void> closeDone = new CompletableFuture<>();
    /** Give up what is pending: no more retries, no new sink call. Written under lock; volatile for the flusher. */
    private volatile boolean stopRequested;
    /** A closer gave up on the flusher; pending bytes were counted as discarded. Guarded by lock. */
    private boolean abandoned;
    /** While closing, the flusher reported a failure of its own (so giving up needs no second report). Guarded by lock. */
    private boolean gaveUp;
    /** What made the flusher itself fail, or null. Guarded by lock. */
    private Throwable failure;
    /** What closing could not write, or null: thrown by close(Duration). Guarded by lock. */
    private WriteFailedException lossReport;
    /**
     * The failure of a round that gave up while the error callback is told of it, and its reason;
     * null otherwise. Read and written by the flusher thread only (a close from that callback).
     */
    private WriteFailedException reporting;
    private String reportingReason;
    /**
     * Whether the flusher's current round began after the close: it gives up when it fails (as
     * does any round once the writer is stopped, see attempt). Flusher thread only.
     */
    private boolean closingRound;

    /** Statistics, see {@link WriterStats}. Guarded by lock. */
    private long accepted;
    private long written;
    private long discarded;
    private long flushes;
    private long errors;
    private long overflows;

    AsyncWriterImpl(AsyncWriterBuilderImpl b, WriterOutput sink, PrimitiveRegistry.Entry entry) {
        this.name = entry.name();
        this.sink = sink;
        this.charset = b.charset;
        this.buf = new byte[b.capacity];
        this.threshold = b.threshold;
        this.intervalNanos = b.interval.toNanos();
        this.blockWhenFull = b.blockWhenFull;
        this.stream = new WriterOutputStream(this, b.blockWhenFull);
        this.maxRetries = b.maxRetries;
        this.retryDelayNanos = b.retryDelay.toNanos();
        this.onError = b.onError;
        this.closeOutput = b.closeOutput;
        this.clock = b.clock;
        this.entry = entry;
        this.flusher = new Thread(this::runFlusher, "goflow-" + kind().label() + "-" + name + "-1");
        this.flusher.setDaemon(true);
    }

    void start() {
        flusher.start();
    }

    // ---------------------------------------------------------------------------------------------
    // writers

    @Override
    public void write(Context ctx, byte[] data) throws InterruptedException {
        write(ctx, data, 0, data.length);
    }

    @Override
    public void write(Context ctx, CharSequence text) throws InterruptedException {
        ByteBuffer bytes = charset.encode(CharBuffer.wrap(text));
        write(ctx, bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
    }

    @Override
    public void write(Context ctx, byte[] data, int off, int len) throws InterruptedException {
        Objects.requireNonNull(ctx, "ctx");
        Objects.checkFromIndexSize(off, len, data.length);
        ctx.throwIfDone();
        ContextWait wait = null;
        lockForWrite();
        try {
            while (true) {
                if (tryAppend(data, off, len)) {
                    return;
                }
                if (Thread.currentThread() == flusher) {
                    // the output or the error callback writing into its own writer: only this thread
                    // makes room, so waiting for it would hang the writer (and every flush) for ever
                    throw full(len, "this write comes from its own background thread (from the output or the"
                            + " error callback, which run on it), which alone makes room: it cannot wait");
                }
                if (!blockWhenFull) {
                    throw full(len, "it does not block; retry later or let it block");
                }
                if (wait == null) {
                    wait = new ContextWait(ctx, lock, space);
                    wait.await(NEVER_PASS_ON); // watches the context; then the state is checked again
                    continue;
                }
                waitingWriters++;
                LockSupport.unpark(flusher);
                try {
                    wait.await(NEVER_PASS_ON); // space is signalled to all: nothing to pass on
                } finally {
                    waitingWriters--;
                }
            }
        } finally {
            lock.unlock();
            ContextWait.close(wait);
        }
    }

    /** Counts an overflow and returns the exception refusing {@code len} bytes; requires the lock. */
    private BufferFullException full(int len, String why) {
        overflows++;
        return new BufferFullException("async writer '" + name + "' is full: no room for " + len + " bytes ("
                + (buf.length - count) + " of " + buf.length + " free) and " + why);
    }

    @Override
    public boolean tryWrite(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        lock.lock();
        try {
            if (tryAppend(data, off, len)) {
                return true;
            }
            overflows++;
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code lock.lockInterruptibly()} after a short spin on {@code tryLock()}: a write holds the
     * lock only to copy a few bytes, so a writer that finds it taken usually gets it within
     * nanoseconds, where parking and being unparked costs microseconds (goflow.bench WriterBench,
     * two writers: 106 ns per write with an immediate park).
     */
    private void lockForWrite() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        for (int i = 0; i < WRITE_SPINS; i++) {
            if (lock.tryLock()) {
                return;
            }
            Thread.onSpinWait();
        }
        lock.lockInterruptibly();
    }

    /** Requires lock. Accepts the bytes if they fit; throws if closed or larger than the buffer. */
    private boolean tryAppend(byte[] data, int off, int len) {
        if (closed) {
            throw new ClosedException(closedMessage("write"));
        }
        if (len > buf.length) {
            overflows++;
            throw new BufferFullException("async writer '" + name + "': a write of " + len
                    + " bytes can never fit its buffer of " + buf.length
                    + " bytes; split the write or raise the capacity");
        }
        if (buf.length - count < len) {
            return false;
        }
        if (len == 0) {
            return true;
        }
        int tail = head + count;
        if (tail >= buf.length) {
            tail -= buf.length; // head < length and count <= length: one subtraction, no division
        }
        int first = Math.min(len, buf.length - tail);
        System.arraycopy(data, off, buf, tail, first);
        if (first < len) {
            System.arraycopy(data, off + first, buf, 0, len - first);
        }
        int before = count;
        if (before == 0 || accepted == roundTarget) {
            long now = clock.nanoTime();
            if (before == 0) {
                firstPendingAt = now;
            }
            if (accepted == roundTarget) {
                firstAfterRoundAt = now; // the first byte the round under way will not write
            }
        }
        count = before + len;
        accepted += len;
        // Wake the flusher only when this write makes it due: it re-checks due() under the lock
        // before it parks, so once the threshold is crossed it either runs or holds a permit, and
        // unparking it again on every later write only lengthened this critical section.
        if ((before < threshold && count >= threshold) || (before == 0 && intervalNanos > 0)) {
            LockSupport.unpark(flusher);
        }
        return true;
    }

    @Override
    public void flush(Context ctx) throws InterruptedException {
        Objects.requireNonNull(ctx, "ctx");
        if (Thread.currentThread() == flusher) {
            throw new IllegalStateException("async writer '" + name + "': flush() called from its own flusher thread");
        }
        ctx.throwIfDone();
        ContextWait wait = null;
        try {
            long target;
            long failuresAtStart;
            lock.lockInterruptibly();
            try {
                if (closed) {
                    throw new ClosedException(closedMessage("flush"));
                }
                target = accepted;
                if (flushedMark >= target) {
                    return;
                }
                failuresAtStart = failedRounds;
                flushRequest = Math.max(flushRequest, target);
                backoff = false; // an explicit flush tries again at once, even after a failure
                LockSupport.unpark(flusher);
            } finally {
                lock.unlock();
            }
            lock.lockInterruptibly();
            try {
                while (true) {
                    if (flushedMark >= target) {
                        return;
                    }
                    if (failedRounds != failuresAtStart) {
                        WriteFailedException f = lastFailure;
                        throw new WriteFailedException(f.getMessage(), (IOException) f.getCause());
                    }
                    if (terminated) {
                        throw new ClosedException("async writer '" + name + "' was closed during the flush");
                    }
                    if (wait == null) {
                        wait = new ContextWait(ctx, lock, progress);
                    }
                    wait.await(NEVER_PASS_ON); // progress is signalled to all: nothing to pass on
                }
            } finally {
                lock.unlock();
            }
        } finally {
            ContextWait.close(wait);
        }
    }

    /** Requires lock. The message of a refused operation on a closed writer. */
    private String closedMessage(String operation) {
        return "async writer '" + name + "' is closed: "
                + (failure != null ? "its background thread failed (" + failure + "): " : "") + "cannot " + operation;
    }

    @Override
    public void close() {
        closeWithin(-1, null);
    }

    @Override
    public void close(Duration timeout) {
        Check.notNegative(kind().label() + " '" + name + "'", "timeout", timeout,
                "how long close waits for the output to take what is buffered");
        WriteFailedException report = closeWithin(Durations.toNanosSaturated(timeout), timeout);
        if (report != null) {
            // a fresh exception per call, so its stack trace is this caller's
            throw new WriteFailedException(report.getMessage(), (IOException) report.getCause());
        }
    }

    /**
     * Closes, waiting for the flusher at most {@code timeoutNanos} on the clock ({@code -1}: no
     * limit); past it, or when interrupted, abandons the flusher. Returns the loss report, if any.
     */
    private WriteFailedException closeWithin(long timeoutNanos, Duration timeout) {
        stopGracefully();
        Thread self = Thread.currentThread();
        if (self == flusher) {
            if (reporting != null) {
                giveUpInCallback();
            }
        } else {
            long deadline = timeoutNanos < 0 ? 0 : clock.nanoTime() + timeoutNanos; // for the join below
            BoundedPark.End end;
            CompletableFuture<Void> wake = closeDone.thenRun(() -> LockSupport.unpark(self));
            try {
                end = BoundedPark.until(closeDone::isDone, clock, timeoutNanos, this);
            } finally {
                wake.cancel(false);
            }
            boolean interrupted = end == BoundedPark.End.INTERRUPTED;
            String why = switch (end) {
                case DONE -> null;
                case INTERRUPTED -> "the close was interrupted";
                case TIMED_OUT -> "the output did not return within " + timeout;
            };
            if (why == null && !interrupted && hasTerminated()) {
                // closeDone completes in the flusher's last lines; wait for the thread itself to
                // end, so that close() returning means no goflow thread is left behind. (An
                // abandoned flusher also completes closeDone, but may never end: not joined.)
                try {
                    flusher.join(timeoutNanos < 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - clock.nanoTime())));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (why != null) {
                stopNow();
                abandon(why);
            }
            if (interrupted) {
                self.interrupt();
            }
        }
        entry.release();
        lock.lock();
        try {
            return lossReport;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A close called by the error callback of a round that gave up, on the flusher: the flusher
     * cannot wait for itself, and once the callback returns it gives up what is pending (closing
     * gives up after a failed round). Give it up now instead, so that the close counts and reports
     * the loss before it returns ({@code close(Duration)} throws it), with the failure being
     * reported as its reason; the callback, which is being told of that failure, is not told again.
     */
    private void giveUpInCallback() {
        lock.lock();
        try {
            gaveUp = true;
            lastFailure = reporting;
            lastFailureReason = reportingReason;
        } finally {
            lock.unlock();
        }
        giveUp();
    }

    private boolean hasGivenUp() {
        lock.lock();
        try {
            return gaveUp;
        } finally {
            lock.unlock();
        }
    }

    private boolean hasTerminated() {
        lock.lock();
        try {
            return terminated;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // bounded close (Stoppable)

    @Override
    public void stopGracefully() {
        lock.lock();
        try {
            closed = true;
            space.signalAll();
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(flusher);
    }

    @Override
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    @Override
    public void stopNow() {
        lock.lock();
        try {
            closed = true;
            space.signalAll();
            if (terminated) {
                return;
            }
            stopRequested = true;
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != flusher) {
            flusher.interrupt();
        }
    }

    /**
     * Gives up on a flusher that has not ended: counts what is pending as discarded, reports it
     * (unless the flusher already reported its own failure), fails waiting flushes, and leaves the
     * registry. The flusher exits when the sink returns.
     */
    @Override
    public List<Thread> abandon(String why) {
        WriteFailedException report;
        boolean notify;
        long lost;
        lock.lock();
        try {
            if (terminated || abandoned) {
                return terminated ? List.of() : List.of(flusher);
            }
            abandoned = true;
            closed = true;
            stopRequested = true;
            lost = count;
            String stuck = "its thread " + flusher.getName()
                    + " was interrupted and is abandoned (it ends when the output returns)";
            if (lost > 0) {
                discarded += lost;
                count = 0;
                head = 0;
                report = new WriteFailedException(prefix() + "closed with " + lost + " accepted bytes not written: "
                        + why + "; " + stuck, new InterruptedIOException(why));
                lossReport = report;
            } else {
                report = new WriteFailedException(prefix() + "the output did not finish (" + why
                        + ") after every accepted byte was handed to it; " + stuck, new InterruptedIOException(why));
            }
            notify = !gaveUp;
            failedRounds++;
            lastFailure = report;
            lastFailureReason = why;
            progress.signalAll();
            space.signalAll();
        } finally {
            lock.unlock();
        }
        flusher.interrupt();
        // closers need not wait any more, and must not: the callback below may close the writer
        // itself, and would wait for this close (which waits for the callback) until the output returns
        entry.release();
        closeDone.complete(null);
        LOG.log(Level.WARNING, report.getMessage());
        if (notify) {
            callOnError(report);
        }
        return flusher.isAlive() ? List.of(flusher) : List.of();
    }

    private String prefix() {
        return "async writer '" + name + "': ";
    }

    private void callOnError(WriteFailedException report) {
        if (onError != null) {
            try {
                onError.accept(report);
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "async writer '" + name + "': error callback failed", t);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // flusher

    private void runFlusher() {
        try {
            while (true) {
                long target;
                lock.lock();
                try {
                    while (!due()) {
                        long park = parkNanos();
                        lock.unlock();
                        try {
                            clearStrayInterrupt(); // else the park returns at once, and the thread spins
                            clock.parkNanos(this, park);
                        } finally {
                            lock.lock();
                        }
                    }
                    if (closed && (abandoned || (count == 0 && flushedMark == written))) {
                        return;
                    }
                    target = accepted;
                    roundTarget = target;
                    closingRound = closed;
                } finally {
                    lock.unlock();
                }
                // Only a round that began after the close gives up: one that failed while the close
                // came is followed by a closing round, with its own attempts (the output may have
                // recovered). A close from the error callback has given up already (gaveUp).
                if (!round(target) && (closingRound || hasGivenUp())) {
                    giveUp();
                    return;
                }
            }
        } catch (Throwable e) {
            // Not the sink (its throwables are failed attempts, see attempt) but the flusher's own
            // code: a failing clock, an allocation failure. It cannot go on: close loudly.
            fail(e);
        } finally {
            clearStrayInterrupt();
            try {
                sink.finish(); // also when the output stays open (closeOutput(false))
            } catch (Throwable e) {
                countError();
                LOG.log(Level.WARNING, "async writer '" + name + "': writing the last, incomplete character failed", e);
            }
            if (closeOutput) {
                try {
                    sink.close();
                } catch (Throwable e) {
                    countError();
                    LOG.log(Level.WARNING, "async writer '" + name + "': closing the output failed", e);
                }
            }
            lock.lock();
            try {
                terminated = true;
                progress.signalAll();
                space.signalAll();
            } finally {
                lock.unlock();
            }
            stopped.complete(null);
            closeDone.complete(null);
        }
    }

    /**
     * The flusher failed: refuse every further write and flush, count what is pending as
     * discarded and report it. Never throws.
     */
    private void fail(Throwable e) {
        try {
            WriteFailedException report = null;
            lock.lock();
            try {
                closed = true;
                failure = e;
                if (!abandoned) {
                    long lost = count;
                    discarded += lost;
                    count = 0;
                    head = 0;
                    errors++;
                    report = new WriteFailedException(prefix() + "its background thread failed (" + e + "); " + lost
                            + " accepted bytes were not written", new IOException(e.toString(), e));
                    lossReport = report;
                    failedRounds++;
                    lastFailure = report;
                    lastFailureReason = "its background thread failed (" + e + ")";
                }
                progress.signalAll();
                space.signalAll();
            } finally {
                lock.unlock();
            }
            LOG.log(Level.ERROR, "async writer '" + name + "': its background thread failed; the writer is closed", e);
            if (report != null) {
                callOnError(report);
            }
        } catch (Throwable again) {
            // nothing more can be done; the thread ends and waiters are released by runFlusher
        }
    }

    /** Requires lock: whether the flusher has work now. */
    private boolean due() {
        if (closed) {
            return true;
        }
        long now = clock.nanoTime();
        if (backoff) {
            if (now - retryNotBefore < 0) {
                return false;
            }
            backoff = false;
        }
        return flushRequest > flushedMark
                || count >= threshold
                || (waitingWriters > 0 && count > 0)
                || (intervalNanos > 0 && count > 0 && now - firstPendingAt >= intervalNanos);
    }

    /** Requires lock: how long the flusher may sleep before it must look again. */
    private long parkNanos() {
        long now = clock.nanoTime();
        long park = MAX_PARK_NANOS;
        if (backoff) {
            park = Math.min(park, retryNotBefore - now);
        } else if (intervalNanos > 0 && count > 0) {
            park = Math.min(park, firstPendingAt + intervalNanos - now);
        }
        return Math.max(park, 1);
    }

    /**
     * Writes everything accepted up to {@code target}, then flushes the sink.
     *
     * @return whether it succeeded; on failure the failure has been reported, unless the writer
     *     was stopped or abandoned meanwhile
     */
    private boolean round(long target) {
        while (true) {
            int start;
            int len;
            lock.lock();
            try {
                if (abandoned || stopRequested) {
                    return false;
                }
                if (written >= target) {
                    break;
                }
                start = head;
                len = (int) Math.min(Math.min(count, buf.length - head), target - written);
            } finally {
                lock.unlock();
            }
            int n = attempt(() -> sink.write(buf, start, len));
            if (n < 0) {
                return false;
            }
            lock.lock();
            try {
                if (abandoned) {
                    // the closer counted these bytes as discarded; the output took them after all
                    written += n;
                    discarded -= n;
                    return false;
                }
                head = (head + n) % buf.length;
                count -= n;
                written += n;
                space.signalAll();
            } finally {
                lock.unlock();
            }
        }
        if (attempt(() -> {
            sink.flush();
            return 0;
        }) < 0) {
            return false;
        }
        lock.lock();
        try {
            if (abandoned) {
                return false;
            }
            if (written > flushedMark) {
                flushedMark = written;
                flushes++;
            }
            if (count > 0) {
                // all pending bytes came after the round's target: the oldest came first after it
                firstPendingAt = firstAfterRoundAt;
            }
            progress.signalAll();
        } finally {
            lock.unlock();
        }
        return true;
    }

    @FunctionalInterface
    private interface SinkCall {
        int run() throws IOException;
    }

    /**
     * Runs one sink call with retries; returns its result, or -1 once every attempt failed (or the
     * writer was stopped between attempts). Whatever the sink throws is a failed attempt, Errors and
     * undeclared checked exceptions included: the flusher survives it.
     */
    private int attempt(SinkCall call) {
        IOException last = null;
        // long: with maxRetries == Integer.MAX_VALUE an int counter wrapped to a negative value
        // after 2^31 attempts, never gave up, and skipped the pause for the next 2^31
        long attempts = 0;
        for (long attempt = 0; attempt <= maxRetries; attempt++) {
            if (attempt > 0) {
                if (stopRequested) {
                    break;
                }
                pause(retryDelayNanos);
                if (stopRequested) {
                    break;
                }
            }
            clearStrayInterrupt();
            attempts++;
            try {
                return call.run();
            } catch (IOException e) {
                last = e;
            } catch (Throwable e) {
                // RuntimeExceptions, Errors, and checked exceptions thrown past the compiler (an
                // output written in Kotlin or Scala, Lombok's @SneakyThrows): all failed attempts
                last = new IOException("the output threw " + e, e);
            }
            countError();
        }
        String reason = "writing to the output failed " + attempts + (attempts == 1 ? " time: " : " times: ")
                + last.getMessage();
        WriteFailedException failure = new WriteFailedException(prefix() + reason, last);
        lock.lock();
        try {
            if (abandoned) {
                return -1; // the closer has reported what was lost
            }
            if (closingRound || stopRequested) {
                gaveUp = true; // closing gives up after this round: this report is the one
            }
        } finally {
            lock.unlock();
        }
        LOG.log(Level.WARNING, failure.getMessage());
        // before the waiters learn of the failure, so the callback has run when flush() throws
        reporting = failure;
        reportingReason = reason;
        try {
            callOnError(failure);
        } finally {
            reporting = null;
            reportingReason = null;
        }
        lock.lock();
        try {
            failedRounds++;
            lastFailure = failure;
            lastFailureReason = reason;
            backoff = true;
            retryNotBefore = clock.nanoTime() + Math.max(retryDelayNanos, MIN_BACKOFF_NANOS);
            progress.signalAll();
        } finally {
            lock.unlock();
        }
        return -1;
    }

    /**
     * On the flusher: clears an interrupt flag that is not the writer's own. Only a close that gives
     * up interrupts the flusher, and it sets {@code stopRequested} first, so such an interrupt is
     * kept (it must end the output call in flight). Any other one (left set by the output or the
     * error callback, which run on this thread, or sent by anyone else) would end the next output
     * call (an interruptible output, such as a {@code FileChannel} stream, closes itself there for
     * good) and make every park return at once.
     */
    private void clearStrayInterrupt() {
        if (Thread.interrupted() && stopRequested) {
            Thread.currentThread().interrupt();
        }
    }

    private void countError() {
        lock.lock();
        try {
            errors++;
        } finally {
            lock.unlock();
        }
    }

    /** Waits {@code nanos} of the clock's time, or until stopped; wake-ups from unpark just loop. */
    private void pause(long nanos) {
        long end = clock.nanoTime() + nanos;
        long left;
        while (!stopRequested && (left = end - clock.nanoTime()) > 0) {
            clearStrayInterrupt();
            clock.parkNanos(this, left);
        }
    }

    /**
     * Closing could not write what is pending (the sink kept failing, or the writer was stopped):
     * discard it, count it and report it, once.
     */
    private void giveUp() {
        WriteFailedException report = null;
        boolean notify = false;
        long lost;
        lock.lock();
        try {
            if (abandoned) {
                return; // the closer has counted and reported it
            }
            lost = count;
            if (lost > 0) {
                discarded += lost;
                count = 0;
                head = 0;
                if (gaveUp && lastFailure != null) {
                    report = new WriteFailedException(prefix() + "closed with " + lost + " accepted bytes not written: "
                            + lastFailureReason, (IOException) lastFailure.getCause());
                } else {
                    String why = "the writer was stopped before it could write them";
                    report = new WriteFailedException(prefix() + "closed with " + lost + " accepted bytes not written: "
                            + why, new InterruptedIOException(why));
                    notify = true;
                    failedRounds++;
                    lastFailure = report;
                    lastFailureReason = why;
                }
                lossReport = report;
            } else if (gaveUp && lastFailure != null && lossReport == null) {
                // every byte reached the output, and its final flush failed: the output may not
                // have them; reported already (callback, log), and close(Duration) throws it
                lossReport = new WriteFailedException(prefix() + "closed with every accepted byte given to the "
                        + "output, but its final flush failed: " + lastFailureReason,
                        (IOException) lastFailure.getCause());
            }
            progress.signalAll();
        } finally {
            lock.unlock();
        }
        if (lost > 0) {
            LOG.log(Level.ERROR, "async writer '" + name + "': closed with " + lost
                    + " bytes that could not be written; they are discarded");
        }
        if (notify) {
            callOnError(report);
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Override
    public java.io.OutputStream asOutputStream() {
        return stream;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public int capacity() {
        return buf.length;
    }

    @Override
    public WriterStats stats() {
        lock.lock();
        try {
            return new WriterStats(accepted, written, count, discarded, flushes, errors, overflows, buf.length, closed);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Kind kind() {
        return Kind.ASYNC_WRITER;
    }

    @Override
    public String toString() {
        return "AsyncWriter[" + name + ", capacity=" + buf.length + (closed ? ", closed" : "") + "]";
    }
}
