package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

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
 * StreamingRun.await() called on one of the run's own threads (a stage, the sink, the error
 * handler, the source) before the run ended would wait for that thread, which waits in await():
 * it is refused with an IllegalStateException instead of hanging the run until it is cancelled.
 */
class StreamingAwaitFromRunThreadTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlow goflow = new GoFlowImpl();

    @AfterEach
    void close() {
        goflow.close();
    }

    /** Waits for the run's end, which must come; cancels the run if it hangs, then fails. */
    private static StreamingResult endOf(StreamingRun run) throws Exception {
        try {
            return run.completion().get(10, TimeUnit.SECONDS);
        } catch (TimeoutException hung) {
            run.cancel();
            run.await();
            fail("the streaming run never ended: await() on the run's own thread waited for itself");
            return null;
        }
    }

    /** Calls run.await() once {@code run} is set and records what it threw. */
    private static void awaitOn(CompletableFuture<StreamingRun> run, CompletableFuture<Throwable> thrown) {
        try {
            run.get().await();
            thrown.complete(null);
        } catch (Throwable t) {
            thrown.complete(t);
        }
    }

    private static void assertRefused(CompletableFuture<Throwable> thrown) throws Exception {
        Throwable t = thrown.get(10, TimeUnit.SECONDS);
        assertInstanceOf(IllegalStateException.class, t);
        assertTrue(t.getMessage().contains("await-self") && t.getMessage().contains("await()"), t.getMessage());
    }

    @Test
    void awaitFromAStageIsRefusedAndTheRunGoesOn() throws Exception {
        CompletableFuture<StreamingRun> self = new CompletableFuture<>();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Pipeline<Integer, Integer> p = goflow.pipeline("await-self").stage("a", (Integer x) -> {
            if (x == 1) {
                awaitOn(self, thrown);
            }
            return x;
        }).build();
        StreamingRun run = p.stream().start(Context.background(), List.of(1, 2, 3), x -> { });
        self.complete(run);
        StreamingResult r = endOf(run);
        assertRefused(thrown);
        assertNull(r.error());
        assertEquals(3, r.itemsOut());
    }

    @Test
    void awaitFromTheSinkIsRefused() throws Exception {
        CompletableFuture<StreamingRun> self = new CompletableFuture<>();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Pipeline<Integer, Integer> p = goflow.pipeline("await-self").stage("a", (Integer x) -> x).build();
        Consumer<Integer> sink = x -> awaitOn(self, thrown);
        StreamingRun run = p.stream().start(Context.background(), List.of(1), sink);
        self.complete(run);
        StreamingResult r = endOf(run);
        assertRefused(thrown);
        assertEquals(1, r.itemsOut());
    }

    @Test
    void awaitFromTheErrorHandlerIsRefused() throws Exception {
        CompletableFuture<StreamingRun> self = new CompletableFuture<>();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Pipeline<Integer, Integer> p = goflow.pipeline("await-self").stage("a", (Integer x) -> {
            if (x >= 0) {
                throw new IllegalArgumentException("bad " + x);
            }
            return x;
        }).build();
        StreamingRun run = p.stream().onError((item, failure) -> awaitOn(self, thrown))
                .start(Context.background(), List.of(1), x -> { });
        self.complete(run);
        StreamingResult r = endOf(run);
        assertRefused(thrown);
        assertEquals(1, r.itemsFailed());
    }

    @Test
    void awaitFromTheSourceIsRefused() throws Exception {
        CompletableFuture<StreamingRun> self = new CompletableFuture<>();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        CountDownLatch asked = new CountDownLatch(1);
        Iterator<Integer> source = new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                if (i == 1 && asked.getCount() == 1) {
                    asked.countDown();
                    awaitOn(self, thrown);
                }
                return i < 2;
            }

            @Override
            public Integer next() {
                return i++;
            }
        };
        Pipeline<Integer, Integer> p = goflow.pipeline("await-self").stage("a", (Integer x) -> x).build();
        StreamingRun run = p.stream().start(Context.background(), source, x -> { });
        self.complete(run);
        StreamingResult r = endOf(run);
        assertRefused(thrown);
        assertEquals(2, r.itemsOut());
    }
}
