package goflow.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.pool.TaskResult;
import goflow.api.pool.TaskResult.Outcome;
import goflow.api.pool.WorkerPool;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/** The context a task sees: values, deadlines and cancellation flowing in and out of children. */
class TaskContextTest extends NoThreadLeaks.LeakCheckedTest {
    private static final Context.Key<String> USER = Context.Key.named("user");
    private final GoFlowImpl goflow = new GoFlowImpl();

    @AfterEach
    void closeGoFlow() {
        goflow.close();
    }

    @Test
    void seesTheSubmitContextsValuesAndDeadline() throws Exception {
        ManualClock clock = new ManualClock();
        try (WorkerPool pool = goflow.workerPool().workers(1).clock(clock).build();
                CancellableContext parent = Context.background(clock).withTimeout(Duration.ofSeconds(10))) {
            Context withUser = parent.withValue(USER, "ada");
            TaskResult<String> r = pool.submit(withUser, ctx -> {
                assertSame(clock, ctx.clock());
                assertEquals(Duration.ofSeconds(10).toNanos(), ctx.remainingNanos());
                assertEquals(withUser.deadline(), ctx.deadline());
                assertFalse(ctx.isDone());
                assertEquals(Optional.empty(), ctx.error());
                return ctx.value(USER).orElseThrow();
            }).get(10, TimeUnit.SECONDS);
            assertEquals("ada", r.valueOrThrow());
        }
    }

    @Test
    void poolTimeoutShortensTheDeadline() throws Exception {
        ManualClock clock = new ManualClock();
        try (WorkerPool pool = goflow.workerPool().workers(1).clock(clock).taskTimeout(Duration.ofSeconds(3)).build()) {
            TaskResult<Long> r = pool.submit(ctx -> {
                assertEquals(clock.instant().plusSeconds(3), ctx.deadline().orElseThrow());
                return ctx.remainingNanos();
            }).get(10, TimeUnit.SECONDS);
            assertEquals(Duration.ofSeconds(3).toNanos(), r.valueOrThrow());
        }
    }

    @Test
    void childrenOfTheTaskContextAreCancelledWithIt() throws Exception {
        try (WorkerPool pool = goflow.workerPool().workers(1).build()) {
            AtomicReference<Context> child = new AtomicReference<>();
            AtomicInteger callbacks = new AtomicInteger();
            CountDownLatch ready = new CountDownLatch(1);
            CompletableFuture<TaskResult<Object>> f = pool.submit(ctx -> {
                CancellableContext c = ctx.withCancel();
                child.set(c);
                ctx.onDone(callbacks::incrementAndGet);
                ready.countDown();
                c.sleep(Duration.ofMinutes(5));
                return null;
            });
            assertTrue(ready.await(10, TimeUnit.SECONDS));
            assertFalse(child.get().isDone());
            f.cancel(false);
            Thread.yield();
            assertTrue(child.get().isDone());
            assertInstanceOf(CancelledException.class, child.get().error().orElseThrow());
            assertEquals(1, callbacks.get());
        }
    }

    @Test
    void theTaskContextEndsWithTheTask() throws Exception {
        try (WorkerPool pool = goflow.workerPool().workers(1).build()) {
            AtomicReference<Context> seen = new AtomicReference<>();
            AtomicReference<Context> child = new AtomicReference<>();
            pool.submit(ctx -> {
                seen.set(ctx);
                child.set(ctx.withValue(USER, "x"));
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertTrue(seen.get().isDone(), "a task's context ends when the task returns");
            assertTrue(child.get().isDone());
            assertThrows(CancelledException.class, seen.get()::throwIfDone);
        }
    }

    @Test
    void timeoutReachesMaterializedChildrenAsADeadline() throws Exception {
        try (WorkerPool pool = goflow.workerPool().workers(1).taskTimeout(Duration.ofMillis(50)).build()) {
            TaskResult<Object> r = pool.submit(ctx -> {
                try (CancellableContext c = ctx.withCancel()) {
                    c.sleep(Duration.ofMinutes(5));
                }
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertEquals(Outcome.TIMED_OUT, r.outcome());
            assertTrue(r.failure() instanceof DeadlineExceededException || r.failure() instanceof InterruptedException,
                    String.valueOf(r.failure()));
        }
    }

    @Test
    void parentCancelledBeforeTheTaskDerivesIsSeenByTheChild() throws Exception {
        try (WorkerPool pool = goflow.workerPool().workers(1).build();
                CancellableContext parent = Context.background().withCancel()) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch cancelled = new CountDownLatch(1);
            CompletableFuture<TaskResult<Boolean>> f = pool.submit(parent, ctx -> {
                started.countDown();
                cancelled.await();
                Context c = ctx.withValue(USER, "late");
                return c.isDone() && ctx.isDone() && ctx.error().orElseThrow() instanceof CancelledException;
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            parent.cancel(new IllegalStateException("user gave up"));
            cancelled.countDown();
            TaskResult<Boolean> r = f.get(10, TimeUnit.SECONDS);
            assertTrue(r.valueOrThrow());
        }
    }

    @Test
    void errorNeverChangesOnceDone() throws Exception {
        ManualClock clock = new ManualClock();
        try (WorkerPool pool = goflow.workerPool().workers(1).clock(clock).taskTimeout(Duration.ofSeconds(1)).build();
                CancellableContext parent = Context.background(clock).withCancel()) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<TaskResult<Boolean>> f = pool.submit(parent, ctx -> {
                started.countDown();
                go.await();
                Object first = ctx.error().orElseThrow();
                return first == ctx.error().orElseThrow() && first instanceof CancelledException;
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            parent.cancel();
            clock.advance(Duration.ofSeconds(2)); // the pool timeout passes after the cancel
            go.countDown();
            assertTrue(f.get(10, TimeUnit.SECONDS).valueOrThrow());
        }
    }
}
