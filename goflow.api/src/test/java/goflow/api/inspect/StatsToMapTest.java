package goflow.api.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import goflow.api.channel.ChannelStats;
import goflow.api.io.WriterStats;
import goflow.api.pipeline.PipelineStats;
import goflow.api.pipeline.StageStats;
import goflow.api.pool.PoolStats;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.ConcurrencyLimiterStats;
import goflow.api.ratelimit.KeyedRateLimiterStats;
import goflow.api.ratelimit.RateLimiterStats;
import goflow.api.schedule.SchedulerStats;
import goflow.api.stream.SourceStats;

/**
 * The map of every statistics record, as the shell, JMX and metrics read it: keys, their order, and
 * the values with their exact types ({@code Integer} stays {@code Integer}, {@code long} stays
 * {@code Long}). The expected maps are the ones the records wrote by hand before {@code toMap()} was
 * derived from the record components; this test keeps the observable maps identical.
 */
class StatsToMapTest {

    private static final Duration D1 = Duration.ofMillis(11);
    private static final Duration D2 = Duration.ofMillis(22);
    private static final Duration D3 = Duration.ofMillis(33);
    private static final Instant T = Instant.parse("2026-03-04T05:06:07Z");

    @Test
    void channelStats() {
        assertFigures(new ChannelStats(1, 2, 3, 4, 5, 6, 7, true),
                "sent", 1L, "received", 2L, "dropped", 3L, "rejected", 4L, "blockedSends", 5L,
                "size", 6, "capacity", 7, "closed", true);
    }

    @Test
    void rateLimiterStats() {
        assertFigures(new RateLimiterStats(10.5, 20, -1.25, 3, 4, 5, 6),
                "rate", 10.5, "burst", 20L, "tokens", -1.25, "allowed", 3L, "denied", 4L, "waited", 5L,
                "cancelled", 6L);
    }

    @Test
    void concurrencyLimiterStats() {
        assertFigures(new ConcurrencyLimiterStats(10, 4, 6, 2, true, 100, 7, 8, 9),
                "capacity", 10, "inUse", 4, "available", 6, "waiting", 2, "fair", true, "acquired", 100L,
                "rejected", 7L, "waited", 8L, "cancelled", 9L);
    }

    @Test
    void keyedRateLimiterStatsAddsTheTotalOfEvictionsBeforeItsParts() {
        assertFigures(new KeyedRateLimiterStats(2.5, 5, 3, 1000, D1, 40, 41, 42, 7, 8),
                "rate", 2.5, "burst", 5L, "keys", 3, "maxKeys", 1000, "idleTimeout", D1, "allowed", 40L,
                "denied", 41L, "waited", 42L, "evicted", 15L, "evictedIdle", 7L, "evictedFull", 8L);
    }

    @Test
    void stageStats() {
        assertFigures(new StageStats("parse", 5, 4, 1, D1, D2, D3, 2),
                "name", "parse", "count", 5L, "successes", 4L, "errors", 1L, "totalDuration", D1,
                "averageDuration", D2, "maxDuration", D3, "inFlight", 2L);
    }

    @Test
    void pipelineStatsFlattensItsStagesAndLeavesOutItsName() {
        PipelineStats stats = new PipelineStats("p", 9, 7, 2, D1, D2, D3, T, 1, List.of(
                new StageStats("a", 5, 4, 1, D1, D2, D3, 2),
                new StageStats("b", 6, 6, 0, D3, D2, D1, 0)));
        assertFigures(stats,
                "executions", 9L, "successes", 7L, "failures", 2L, "totalDuration", D1, "averageDuration", D2,
                "maxDuration", D3, "lastExecution", T, "inFlight", 1L, "stageCount", 2,
                "stage.a.count", 5L, "stage.a.successes", 4L, "stage.a.errors", 1L, "stage.a.totalDuration", D1,
                "stage.a.averageDuration", D2, "stage.a.maxDuration", D3, "stage.a.inFlight", 2L,
                "stage.b.count", 6L, "stage.b.successes", 6L, "stage.b.errors", 0L, "stage.b.totalDuration", D3,
                "stage.b.averageDuration", D2, "stage.b.maxDuration", D1, "stage.b.inFlight", 0L);
    }

    @Test
    void pipelineStatsWithoutAnExecutionHasNoLastExecution() {
        PipelineStats stats = new PipelineStats("p", 0, 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO, null,
                0, List.of());
        assertFigures(stats,
                "executions", 0L, "successes", 0L, "failures", 0L, "totalDuration", Duration.ZERO,
                "averageDuration", Duration.ZERO, "maxDuration", Duration.ZERO, "inFlight", 0L, "stageCount", 0);
    }

    @Test
    void schedulerStats() {
        assertFigures(new SchedulerStats(true, 3, 1, 10, 8, 1, 1, 4, 2),
                "running", true, "tasks", 3, "activeRuns", 1, "runs", 10L, "succeeded", 8L, "failed", 1L,
                "cancelled", 1L, "skipped", 4L, "retries", 2L);
    }

    @Test
    void poolStatsGivesTheStateByName() {
        assertFigures(new PoolStats(WorkerPool.State.SHUTTING_DOWN, 4, 3, 2, 100, false, 50, 45, 40, 2, 1, 2, 6,
                        D1, D2),
                "state", "SHUTTING_DOWN", "workers", 4, "busy", 3, "queued", 2, "queueCapacity", 100,
                "virtualThreads", false, "submitted", 50L, "completed", 45L, "succeeded", 40L, "failed", 2L,
                "timedOut", 1L, "cancelled", 2L, "rejected", 6L, "averageTaskTime", D1, "maxTaskTime", D2);
    }

    @Test
    void writerStats() {
        assertFigures(new WriterStats(100, 60, 30, 10, 4, 2, 1, 4096, false),
                "bytesAccepted", 100L, "bytesWritten", 60L, "bytesPending", 30L, "bytesDiscarded", 10L,
                "flushes", 4L, "errors", 2L, "overflows", 1L, "capacity", 4096, "closed", false);
    }

    @Test
    void sourceStats() {
        assertFigures(new SourceStats("words", true, 5, 1, 99, 2, 4, T),
                "name", "words", "bound", true, "opened", 5L, "open", 1L, "elements", 99L, "failures", 2L,
                "closed", 4L, "lastOpened", T);
    }

    @Test
    void sourceStatsBeforeTheFirstOpenHasNoLastOpened() {
        assertFigures(new SourceStats("words", false, 0, 0, 0, 0, 0, null),
                "name", "words", "bound", false, "opened", 0L, "open", 0L, "elements", 0L, "failures", 0L,
                "closed", 0L);
    }

    /** Compares keys, order, values and value types, and checks the map is unmodifiable. */
    private static void assertFigures(Stats stats, Object... keysAndValues) {
        Map<String, Object> expected = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            expected.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        Map<String, Object> actual = stats.toMap();
        assertEquals(describe(expected), describe(actual), stats.getClass().getSimpleName());
        assertThrows(UnsupportedOperationException.class, () -> actual.put("x", 1));
    }

    /** One line per entry: key, value and value class, in map order. */
    private static List<String> describe(Map<String, Object> map) {
        List<String> lines = new ArrayList<>();
        map.forEach((k, v) -> lines.add(k + "=" + v + " (" + (v == null ? "null" : v.getClass().getSimpleName())
                + ")"));
        return lines;
    }
}
