package goflow.impl.channel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.channel.BackpressureChannel;
import goflow.api.context.Context;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/**
 * A link whose worker threads cannot all be started (OutOfMemoryError "unable to create native
 * thread") fails with that error and ends: the workers already started stop, the targets are
 * closed, the completion fails with the error - nothing is left running with no handle to it.
 */
@Timeout(60)
class LinkStartFailureTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlowImpl goflow = new GoFlowImpl(new ManualClock(), "test");
    private final OutOfMemoryError noThread = new OutOfMemoryError("unable to create native thread: test");

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    /** A factory whose threads after the first {@code good} fail to start. */
    private ThreadFactory failingAfter(int good) {
        AtomicInteger made = new AtomicInteger();
        return r -> made.incrementAndGet() <= good ? new Thread(r) : new Thread(r) {
            @Override
            public synchronized void start() {
                throw noThread;
            }
        };
    }

    private void assertFailedWithTheError(Link link) throws InterruptedException {
        assertTrue(link.awaitDone(Duration.ofSeconds(30)));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> link.completion().toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertSame(noThread, e.getCause());
    }

    @Test
    void theWorkersStartedStopAndTheTargetsAreClosed() throws Exception {
        BackpressureChannel<Integer> target = goflow.<Integer>channel().capacity(4).build();
        Link link = new Link("partly", Context.background(), List.of(target), failingAfter(1));
        CompletableFuture<Thread> first = new CompletableFuture<>();
        link.add(c -> {
            first.complete(Thread.currentThread());
            while (!c.isDone()) {
                LockSupport.parkNanos(1_000_000); // a worker waiting for values, until the link stops
            }
        });
        link.add(c -> {
            throw new AssertionError("this worker's thread never starts");
        });
        assertSame(noThread, assertThrows(OutOfMemoryError.class, link::start));
        assertFailedWithTheError(link);
        assertTrue(target.isClosed());
        first.get(30, TimeUnit.SECONDS).join(30_000);
        assertFalse(first.get().isAlive(), "the started worker ended");
    }

    @Test
    void withNoWorkerStartedTheLinkEndsAtOnce() throws Exception {
        BackpressureChannel<Integer> target = goflow.<Integer>channel().capacity(4).build();
        Link link = new Link("none", Context.background(), List.of(target), failingAfter(0));
        link.add(c -> {
            throw new AssertionError("never starts");
        });
        assertSame(noThread, assertThrows(OutOfMemoryError.class, link::start));
        assertTrue(link.isDone());
        assertFailedWithTheError(link);
        assertTrue(target.isClosed());
    }
}
