package goflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.osgi.LiveRegistry;

/**
 * Two bundles each with a scheduler named 'jobs': each card of the dashboard shows its own
 * scheduler's tasks (the sampler once read the tasks of the owner sorting first for both).
 */
class SamplerOwnersTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl a = new GoFlowImpl(clock, "bundle.a");
    private final GoFlowImpl b = new GoFlowImpl(clock, "bundle.b");

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    @Test
    void eachOwnersSchedulerOfTheSameNameShowsItsOwnTasks() {
        LiveRegistry live = new LiveRegistry();
        live.add(a.registry());
        live.add(b.registry());
        a.scheduler().name("jobs").workers(1).build().task(ctx -> { }).id("report").every(Duration.ofHours(1));
        b.scheduler().name("jobs").workers(1).build().task(ctx -> { }).id("cleanup").every(Duration.ofHours(1));

        Frame frame = new Sampler(live, Plugins.none(), clock, Duration.ofSeconds(1), 10).sample();
        Map<String, List<String>> tasks = new TreeMap<>();
        for (Frame.Row r : frame.rows()) {
            tasks.put(r.info().owner(), r.figures().keySet().stream().filter(f -> f.startsWith("task.")).toList());
        }
        assertEquals(Map.of(
                "bundle.a", List.of("task.report.runs", "task.report.failures", "task.report.lastFailed"),
                "bundle.b", List.of("task.cleanup.runs", "task.cleanup.failures", "task.cleanup.lastFailed")), tasks);
    }
}
