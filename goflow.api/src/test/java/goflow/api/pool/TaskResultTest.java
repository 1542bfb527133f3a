package goflow.api.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import goflow.api.context.Context;

class TaskResultTest {

    @Test
    void successCarriesTheValue() {
        TaskResult<String> r = new TaskResult<>(TaskResult.Outcome.SUCCEEDED, "v", null, Duration.ofMillis(3), 2);
        assertTrue(r.succeeded());
        assertEquals("v", r.valueOrThrow());
        assertNull(r.failure());
    }

    @Test
    void failureThrowsWithTheCauseAndTheResult() {
        IllegalStateException boom = new IllegalStateException("boom");
        TaskResult<String> r = new TaskResult<>(TaskResult.Outcome.FAILED, null, boom, Duration.ZERO, 0);
        TaskFailedException e = assertThrows(TaskFailedException.class, r::valueOrThrow);
        assertSame(boom, e.getCause());
        assertSame(r, e.result());
        assertEquals("task failed: java.lang.IllegalStateException: boom", e.getMessage());
    }

    @Test
    void inconsistentResultsAreRefused() {
        Throwable t = new RuntimeException();
        assertThrows(IllegalArgumentException.class,
                () -> new TaskResult<>(TaskResult.Outcome.SUCCEEDED, 1, t, Duration.ZERO, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new TaskResult<>(TaskResult.Outcome.FAILED, null, null, Duration.ZERO, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new TaskResult<>(TaskResult.Outcome.TIMED_OUT, 1, t, Duration.ZERO, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new TaskResult<>(TaskResult.Outcome.SUCCEEDED, 1, null, Duration.ofNanos(-1), 0));
        assertThrows(IllegalArgumentException.class,
                () -> new TaskResult<>(TaskResult.Outcome.SUCCEEDED, 1, null, Duration.ZERO, -2));
        assertThrows(NullPointerException.class, () -> new TaskResult<>(null, 1, null, Duration.ZERO, 0));
        assertThrows(NullPointerException.class,
                () -> new TaskResult<>(TaskResult.Outcome.SUCCEEDED, 1, null, null, 0));
    }

    @Test
    void taskOfRunnableRunsItAndShowsIt() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Runnable r = new Runnable() {
            @Override
            public void run() {
                runs.incrementAndGet();
            }

            @Override
            public String toString() {
                return "counter";
            }
        };
        Task<Void> task = Task.of(r);
        assertNull(task.run(Context.background()));
        assertEquals(1, runs.get());
        assertEquals("counter", task.toString());
        assertThrows(NullPointerException.class, () -> Task.of(null));
    }

    @Test
    void rejectedExceptionNamesItsReason() {
        RejectedException e = new RejectedException(RejectedException.Reason.QUEUE_FULL, "full", null);
        assertEquals(RejectedException.Reason.QUEUE_FULL, e.reason());
        assertEquals("full", e.getMessage());
    }

    @Test
    void statsMapIsOrderedAndComplete() {
        PoolStats s = new PoolStats(WorkerPool.State.RUNNING, 4, 1, 2, 10, false, 9, 6, 3, 1, 1, 1, 0,
                Duration.ofMillis(2), Duration.ofMillis(5));
        assertEquals(List.of("state", "workers", "busy", "queued", "queueCapacity", "virtualThreads", "submitted",
                "completed", "succeeded", "failed", "timedOut", "cancelled", "rejected", "averageTaskTime",
                "maxTaskTime"), List.copyOf(s.toMap().keySet()));
        assertEquals(Duration.ofMillis(5), s.toMap().get("maxTaskTime"));
        assertThrows(UnsupportedOperationException.class, () -> s.toMap().put("x", 1));
        assertTrue(s.taskTimesMeasured());
    }

    @Test
    void statsWithoutTaskTimesLeaveThemOut() {
        PoolStats s = new PoolStats(WorkerPool.State.RUNNING, 4, 1, 2, 10, false, 9, 6, 3, 1, 1, 1, 0, null, null);
        assertFalse(s.taskTimesMeasured());
        assertEquals(List.of("state", "workers", "busy", "queued", "queueCapacity", "virtualThreads", "submitted",
                "completed", "succeeded", "failed", "timedOut", "cancelled", "rejected"), List.copyOf(s.toMap().keySet()));
        IllegalArgumentException half = assertThrows(IllegalArgumentException.class,
                () -> new PoolStats(WorkerPool.State.RUNNING, 4, 1, 2, 10, false, 9, 6, 3, 1, 1, 1, 0, Duration.ZERO,
                        null));
        assertTrue(half.getMessage().contains("averageTaskTime and maxTaskTime must both be null"), half.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new PoolStats(WorkerPool.State.RUNNING, 4, 1, 2, 10, false, 9, 6, 3, 1, 1, 1, 0, null,
                        Duration.ZERO));
    }
}
