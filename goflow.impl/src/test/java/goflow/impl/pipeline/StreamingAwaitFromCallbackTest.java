package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.StreamingResult;
import goflow.api.pipeline.StreamingRun;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/**
 * StreamingRun.await() called from a callback chained on completion(): the callback runs on the
 * run's last thread, and await() must not wait for that thread to end (it never would).
 */
class StreamingAwaitFromCallbackTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlow goflow = new GoFlowImpl();

    @AfterEach
    void close() {
        goflow.close();
    }

    @Test
    void awaitFromACallbackOnTheCompletionReturnsTheResult() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Pipeline<Integer, Integer> p = goflow.pipeline("await-in-callback").stage("a", (Integer x) -> {
            release.await();
            return x;
        }).build();
        StreamingRun run = p.stream().start(Context.background(), List.of(1, 2), x -> { });
        CompletableFuture<StreamingResult> viaAwait = new CompletableFuture<>();
        // chained before the run can end, so it runs on the thread that completes the run
        run.completion().thenRun(() -> {
            try {
                viaAwait.complete(run.await());
            } catch (Throwable t) {
                viaAwait.completeExceptionally(t);
            }
        });
        release.countDown();
        StreamingResult r = viaAwait.get(30, TimeUnit.SECONDS);
        assertEquals(2, r.itemsOut());
        assertEquals(r, run.await());
    }
}
