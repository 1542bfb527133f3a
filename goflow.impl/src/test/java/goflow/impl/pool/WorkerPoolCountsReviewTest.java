package goflow.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.pool.PoolStats;
import goflow.api.pool.TaskResult;
import goflow.api.pool.TaskResult.Outcome;
import goflow.api.pool.WorkerPool;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.FailingClock;
import goflow.impl.testing.NoThreadLeaks;

/** The pool's counts stay exact on fault paths of user code around a task. */
class WorkerPoolCountsReviewTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlowImpl goflow = new GoFlowImpl();

    @AfterEach
    void closeGoFlow() {
        goflow.close();
    }

    /**
     * An executed runnable that fails is logged with its toString(), which is user code: when that
     * throws too, the failure is still counted once (before, the worker's guard counted it a second
     * time, and a terminated pool reported more tasks completed than submitted).
     */
    @Test
    void aFailedRunnableWhoseToStringThrowsIsCountedOnce() throws Exception {
        WorkerPool pool = goflow.workerPool().workers(1).build();
        pool.execute(new Runnable() {
            @Override
            public void run() {
                throw new IllegalStateException("task fails");
            }

            @Override
            public String toString() {
                throw new IllegalStateException("toString fails");
            }
        });
        pool.close();
        PoolStats stats = pool.stats();
        assertEquals(1, stats.submitted(), stats.toString());
        assertEquals(1, stats.failed(), stats.toString());
        assertEquals(stats.submitted(), stats.completed(), stats.toString());
    }

    /**
     * A task whose start fails in pool code (here the pool clock, user code, read for the task's
     * timeout before the task starts) gets one FAILED result and is done: before, it stayed NEW,
     * with its watch on the submit context, so cancelling that context later cancelled it a second
     * time (a second result to the listener, counted twice) and the watch stayed on the context.
     */
    @Test
    void aTaskWhoseStartFailsInPoolCodeGetsOneResult() throws Exception {
        FailingClock clock = new FailingClock();
        AtomicBoolean failing = clock.failing;
        List<TaskResult<?>> results = new CopyOnWriteArrayList<>();
        WorkerPool pool = goflow.workerPool().workers(1).clock(clock).measureTaskTimes(false)
                .taskTimeout(Duration.ofSeconds(30)).resultListener((task, result) -> results.add(result)).build();
        CancellableContext ctx = Context.background(clock).withCancel();
        try {
            failing.set(true);
            TaskResult<String> r = pool.submit(ctx, c -> "never").get(30, TimeUnit.SECONDS);
            assertEquals(Outcome.FAILED, r.outcome(), r.toString());
            failing.set(false);
            ctx.cancel();
            pool.close();
            PoolStats stats = pool.stats();
            assertEquals(1, results.size(), "results the listener saw: " + results);
            assertEquals(1, stats.failed(), stats.toString());
            assertEquals(0, stats.cancelled(), stats.toString());
            assertEquals(stats.submitted(), stats.completed(), stats.toString());
        } finally {
            failing.set(false);
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(Duration.ofSeconds(30)));
        }
    }
}
