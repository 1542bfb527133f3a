package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineListener;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.StageResult;
import goflow.api.pipeline.StreamingResult;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/**
 * The timeout passes after the execution checked its context for the next stage but before the
 * stage starts (here: while a listener's onStageStart runs, as a slow listener or a pause would
 * make it). "Stages not yet started never run" and a stage is interrupted at the deadline: the
 * stage must not start with a context that is already done and no interrupt to come. With an
 * executor this was already so; inline and in streaming mode it was not.
 */
class PipelineLateStartTest extends NoThreadLeaks.LeakCheckedTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "test");
    private final AtomicInteger bRan = new AtomicInteger();
    private final List<String> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        goflow.close();
    }

    /** Moves the clock past the timeout when stage b is about to start. */
    private final PipelineListener slowOnB = new PipelineListener() {
        @Override
        public void onStageStart(String pipeline, String stage, Object input) {
            if (stage.equals("b")) {
                clock.advance(TIMEOUT.multipliedBy(2));
            }
        }

        @Override
        public void onStageComplete(String pipeline, StageResult result) {
            events.add(result.stageName() + (result.error() == null ? ":ok" : ":" + result.error().getClass().getSimpleName()));
        }
    };

    private Pipeline<Integer, Integer> pipeline(String name) {
        return goflow.pipeline(name).timeout(TIMEOUT).listener(slowOnB)
                .stage("a", (Integer x) -> x + 1)
                .stage("b", (Integer x) -> {
                    bRan.incrementAndGet();
                    return x * 10;
                })
                .build();
    }

    @Test
    void inlineAStageWhoseDeadlinePassedBeforeItStartsDoesNotRun() {
        PipelineResult<Integer, Integer> r = pipeline("late-inline").execute(Context.background(clock), 1);
        assertInstanceOf(DeadlineExceededException.class, r.error());
        assertEquals(0, bRan.get(), "stage b started after the execution's deadline");
        assertEquals(List.of("a:ok", "b:DeadlineExceededException"), events);
        assertEquals("b", r.failedStage().orElseThrow().stageName());
    }

    @Test
    void withAnExecutorAStageWhoseDeadlinePassedBeforeItStartsDoesNotRun() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            Pipeline<Integer, Integer> p = goflow.pipeline("late-executor").timeout(TIMEOUT).listener(slowOnB)
                    .executor(pool)
                    .stage("a", (Integer x) -> x + 1)
                    .stage("b", (Integer x) -> {
                        bRan.incrementAndGet();
                        return x * 10;
                    })
                    .build();
            PipelineResult<Integer, Integer> r = p.execute(Context.background(clock), 1);
            assertInstanceOf(DeadlineExceededException.class, r.error());
            assertEquals(0, bRan.get());
            assertEquals("b", r.failedStage().orElseThrow().stageName());
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void streamingAStageWhoseDeadlinePassedBeforeItStartsDoesNotRun() throws Exception {
        List<Integer> failedItems = new CopyOnWriteArrayList<>();
        StreamingResult r = pipeline("late-stream").stream().onError((item, failure) -> {
            assertTrue(failure.error() instanceof DeadlineExceededException, String.valueOf(failure.error()));
            failedItems.add(item);
        }).run(Context.background(clock), List.of(1), x -> { });
        assertNull(r.error());
        assertEquals(List.of(1), failedItems);
        assertEquals(0, bRan.get(), "stage b started after the item's deadline");
    }
}
