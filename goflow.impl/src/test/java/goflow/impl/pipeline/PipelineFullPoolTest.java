package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pool.WorkerPool;
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
}
