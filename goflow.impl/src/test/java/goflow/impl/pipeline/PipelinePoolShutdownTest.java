package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.GoFlow;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pool.WorkerPool;
import goflow.impl.GoFlowImpl;

/**
 * A goflow worker pool given as a pipeline's executor that is shut down now (as a bundle stop
 * does to a pool still busy after its grace) never runs the stage calls still queued: the
 * executions waiting for them end with the pool's cancellation instead of waiting for ever.
 */
class PipelinePoolShutdownTest {
    private final GoFlow goflow = new GoFlowImpl(Clock.system(), "test");

    @AfterEach
    void close() {
        goflow.close();
        assertFalse(Thread.interrupted(), "the test thread was left interrupted");
    }

    @Test
    void aStageQueuedInAPoolThatIsShutDownNowFailsTheExecution() throws Exception {
        WorkerPool pool = goflow.workerPool().name("one").workers(1).build();
        CountDownLatch entered = new CountDownLatch(1);
        Pipeline<String, String> p = goflow.pipeline("pooled").executor(pool)
                .stage("block", (String s) -> {
                    if (s.equals("first")) {
                        entered.countDown();
                        new CountDownLatch(1).await(); // until interrupted
                    }
                    return s;
                })
                .build();
        CompletableFuture<PipelineResult<String, String>> first = p.executeAsync(Context.background(), "first");
        assertTrue(entered.await(30, TimeUnit.SECONDS));
        CompletableFuture<PipelineResult<String, String>> queued = p.executeAsync(Context.background(), "queued");

        pool.shutdownNow();

        PipelineResult<String, String> r = queued.get(30, TimeUnit.SECONDS);
        assertFalse(r.succeeded());
        assertInstanceOf(CancelledException.class, r.error());
        assertEquals("block", r.failedStage().orElseThrow().stageName());
        assertFalse(first.get(30, TimeUnit.SECONDS).succeeded());
        assertEquals(2, p.stats().failures());
        assertEquals(0, p.stats().inFlight());
        assertEquals(0, p.stats().stage("block").orElseThrow().inFlight());
    }
}
