package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.StreamingResult;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/**
 * A pipeline timeout longer than a context can hold ({@code ChronoUnit.FOREVER}, a common way to
 * say "no limit") is accepted by the builder, so it must work as a very long timeout, not make
 * every execution throw an ArithmeticException.
 */
class PipelineHugeTimeoutTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlow goflow = new GoFlowImpl();

    @AfterEach
    void close() {
        goflow.close();
    }

    @Test
    void aForeverTimeoutWorksInline() {
        Duration forever = ChronoUnit.FOREVER.getDuration();
        Pipeline<Integer, Integer> p = goflow.pipeline("forever-inline").timeout(forever)
                .stage("a", (Integer x) -> x + 1).build();
        assertEquals(forever, p.timeout().orElseThrow(), "the configured timeout is reported as given");
        PipelineResult<Integer, Integer> r = p.execute(Context.background(), 1);
        assertTrue(r.succeeded(), String.valueOf(r.error()));
        assertEquals(2, r.output());
    }

    @Test
    void aForeverTimeoutWorksWithAnExecutorAndAsync() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Pipeline<Integer, Integer> p = goflow.pipeline("forever-executor")
                    .timeout(Duration.ofSeconds(Long.MAX_VALUE)).executor(pool)
                    .stage("a", (Integer x) -> x + 1).build();
            assertEquals(2, p.execute(Context.background(), 1).orElseThrow());
            assertEquals(3, p.executeAsync(Context.background(), 2).get(30, TimeUnit.SECONDS).orElseThrow());
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aForeverTimeoutWorksInAStreamingRun() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("forever-stream").timeout(Duration.ofSeconds(Long.MAX_VALUE))
                .stage("a", (Integer x) -> x + 1).build();
        List<Integer> got = new CopyOnWriteArrayList<>();
        StreamingResult r = p.run(Context.background(), List.of(1, 2, 3), got::add);
        assertNull(r.error());
        assertEquals(List.of(2, 3, 4), got);
    }
}
