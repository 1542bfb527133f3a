package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineListener;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.StageResult;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/**
 * "An exception thrown by a callback is logged and otherwise ignored" (PipelineListener), also a
 * checked one: Kotlin (or Lombok's {@code @SneakyThrows}) listeners throw checked exceptions
 * from methods that declare none.
 */
class PipelineListenerFailuresTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlow goflow = new GoFlowImpl();

    @AfterEach
    void close() {
        goflow.close();
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable t) throws E {
        throw (E) t;
    }

    /** Throws a checked IOException from every callback, as a Kotlin listener doing I/O would. */
    private static final PipelineListener CHECKED_THROWER = new PipelineListener() {
        @Override
        public void onPipelineStart(String pipeline, Object input) {
            sneakyThrow(new IOException("log file gone (start)"));
        }

        @Override
        public void onStageStart(String pipeline, String stage, Object input) {
            sneakyThrow(new IOException("log file gone (stage start)"));
        }

        @Override
        public void onStageComplete(String pipeline, StageResult result) {
            sneakyThrow(new IOException("log file gone (stage complete)"));
        }

        @Override
        public void onPipelineComplete(PipelineResult<?, ?> result) {
            sneakyThrow(new IOException("log file gone (complete)"));
        }
    };

    @Test
    void aListenerThrowingACheckedExceptionIsIgnoredInline() {
        Pipeline<Integer, Integer> p = goflow.pipeline("checked-listener-inline").listener(CHECKED_THROWER)
                .stage("a", (Integer x) -> x + 1).build();
        PipelineResult<Integer, Integer> r = p.execute(Context.background(), 1);
        assertEquals(2, r.orElseThrow());
        assertEquals(1, p.stats().successes());
        assertEquals(0, p.stats().inFlight());
    }

    @Test
    void aListenerThrowingACheckedExceptionDoesNotHangAnExecutionOnAnExecutor() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // only onStageComplete throws: it runs on the executor's thread, which ends the stage
            PipelineListener onStageComplete = new PipelineListener() {
                @Override
                public void onStageComplete(String pipeline, StageResult result) {
                    sneakyThrow(new IOException("log file gone (stage complete)"));
                }
            };
            Pipeline<Integer, Integer> p = goflow.pipeline("checked-listener-executor").listener(onStageComplete)
                    .executor(pool).stage("a", (Integer x) -> x + 1).stage("b", (Integer x) -> x * 10).build();
            PipelineResult<Integer, Integer> r = p.executeAsync(Context.background(), 1).get(30, TimeUnit.SECONDS);
            assertEquals(20, r.orElseThrow());
            assertEquals(0, p.stats().inFlight());
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }
}
