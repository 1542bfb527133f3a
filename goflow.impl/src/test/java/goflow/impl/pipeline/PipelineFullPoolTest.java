package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pool.WorkerPool;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;

/**
 * A goflow worker pool that waits for room when its queue is full (BLOCK, the default) given as a
 * pipeline's executor: a worker that ends a stage hands the next stage to the same pool, and must
 * not wait for room that only a worker can make.
 */
class PipelineFullPoolTest {
    private final GoFlow goflow = new GoFlowImpl(Clock.system(), "test");

    @AfterEach
    void close() {
        goflow.close();
        assertFalse(Thread.interrupted(), "the test thread was left interrupted");
    }

    @Test
    void aBurstThatFillsTheQueueDoesNotDeadlockThePoolsWorkers() throws Exception {
        WorkerPool pool = goflow.workerPool().name("small").workers(1).queueCapacity(1).build();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Pipeline<Integer, Integer> p = goflow.pipeline("two-stages").executor(pool)
                .stage("first", (Integer i) -> {
                    entered.countDown();
                    release.await();
                    return i + 1;
                })
                .stage("second", i -> i * 10)
                .build();
        List<CompletableFuture<PipelineResult<Integer, Integer>>> futures = new ArrayList<>();
        Thread submitter = new Thread(() -> {
            for (int i = 0; i < 3; i++) {
                futures.add(p.executeAsync(Context.background(), i)); // the third waits for room
            }
        }, "submitter");
        submitter.start();
        assertTrue(entered.await(30, TimeUnit.SECONDS));
        // the first execution's first stage runs, the second's waits in the queue, and the
        // submitter waits for room for the third: the worker that ends the first stage finds the
        // queue full when it hands the second stage on
        Eventually.until(() -> submitter.getState() == Thread.State.WAITING
                || submitter.getState() == Thread.State.TIMED_WAITING);
        release.countDown();

        submitter.join(30_000);
        assertFalse(submitter.isAlive(), "the pool's worker waits for room in its own queue: deadlocked");
        for (int i = 0; i < 3; i++) {
            PipelineResult<Integer, Integer> r = futures.get(i).get(30, TimeUnit.SECONDS);
            assertTrue(r.succeeded(), String.valueOf(r.error()));
            assertEquals((i + 1) * 10, r.output());
        }
    }

    @Test
    void aCallerWaitingForRoomForTheFirstStageReturnsAtTheTimeout() throws Exception {
        ManualClock clock = new ManualClock();
        try (GoFlow timed = new GoFlowImpl(clock, "timed")) {
            WorkerPool pool = timed.workerPool().name("busy").workers(1).queueCapacity(1).build();
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch entered = new CountDownLatch(1);
            pool.execute(() -> {
                entered.countDown();
                awaitQuietly(release);
            });
            assertTrue(entered.await(30, TimeUnit.SECONDS));
            pool.execute(() -> awaitQuietly(release)); // the queue is full now
            Pipeline<Integer, Integer> p = timed.pipeline("timed-out").executor(pool).timeout(Duration.ofSeconds(1))
                    .stage("one", (Integer i) -> i + 1)
                    .build();
            AtomicReference<PipelineResult<Integer, Integer>> result = new AtomicReference<>();
            Thread caller = new Thread(() -> result.set(p.execute(Context.background(clock), 1)), "caller");
            caller.start();
            Eventually.until(() -> caller.getState() == Thread.State.WAITING
                    || caller.getState() == Thread.State.TIMED_WAITING);

            clock.advance(Duration.ofSeconds(1));

            caller.join(30_000);
            boolean returned = !caller.isAlive();
            release.countDown();
            assertTrue(returned, "execute() still waits for room in the pool after its timeout");
            assertInstanceOf(DeadlineExceededException.class, result.get().error());
            assertEquals("one", result.get().failedStage().orElseThrow().stageName());
            assertEquals(1, p.stats().failures());
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
