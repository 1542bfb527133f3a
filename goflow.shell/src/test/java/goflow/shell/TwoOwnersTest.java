package goflow.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.ratelimit.AimdLimit;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.osgi.LiveRegistry;
import goflow.impl.stream.SourceRegistry;

/**
 * In an OSGi framework each bundle's GoFlow has its own names, so bundles a and b may each have a
 * primitive named {@code x} of different kinds; the commands about one kind act on that kind's
 * primitive, not on the other bundle's primitive that {@code Registry.find(name)} returns first.
 */
class TwoOwnersTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl a = new GoFlowImpl(clock, "bundle.a");
    private final GoFlowImpl b = new GoFlowImpl(clock, "bundle.b");
    private final LiveRegistry live = new LiveRegistry();
    private final GoFlowCommands views = new GoFlowCommands(live, p -> List.of(), new SourceRegistry());

    TwoOwnersTest() {
        live.add(a.registry());
        live.add(b.registry());
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    @Test
    void pipelinesOfANameAnotherBundlesPoolHasShowsThePipeline() {
        a.workerPool().name("x").workers(1).build();
        b.pipeline("x").stage("upper", (String s) -> s.toUpperCase(java.util.Locale.ROOT)).build();
        String out = views.pipelines("x");
        assertTrue(out.matches("(?s)pipeline +executions .*\nx +0 .*\nstage +count .*\nupper +0 .*"), out);
    }

    @Test
    void limitersOfANameAnotherBundlesPoolHasShowsTheAdaptiveLimitersHistory() {
        a.workerPool().name("x").workers(1).build();
        b.adaptiveLimiter().name("x").algorithm(AimdLimit.defaults()).initialLimit(4)
                .window(Duration.ofMillis(100), 2).build();
        String out = views.limiters("x");
        assertTrue(out.matches("(?s)statistic +value\nname +x\nkind +adaptive-limiter\nowner +bundle.b\n.*"
                + "\n\nlimit history \\(0 windows, newest first\\)\n.*"), out);
    }

    @Test
    void schedulesOfANameShowTheTasksOfTheSchedulerItsTableShows() {
        a.scheduler().name("jobs").workers(1).build().task(ctx -> { }).id("a-report").every(Duration.ofHours(1));
        b.scheduler().name("jobs").workers(1).build().task(ctx -> { }).id("b-report").every(Duration.ofHours(1));
        String out = views.schedules("jobs");
        assertTrue(out.matches("(?s)statistic +value\nname +jobs\nkind +scheduler\nowner +bundle.a\n.*"
                + "\na-report +every PT1H .*"), out);
        assertTrue(!out.contains("b-report"), out);
    }

    @Test
    void capacityOfANameAnotherBundlesTokenBucketHasChangesTheConcurrencyLimiter() {
        a.tokenBucket().name("x").rate(1).burst(1).build();
        ConcurrencyLimiter limiter = b.concurrencyLimiter().name("x").capacity(8).build();
        assertEquals(""
                + "name  kind                 field     before  after\n"
                + "x     concurrency-limiter  capacity       8      3\n", new ControlCommands(live).capacity("x", "3"));
        assertEquals(3, limiter.capacity());
    }

    @Test
    void runOfANameAnotherBundlesPoolHasRunsThePipeline() {
        a.workerPool().name("x").workers(1).build();
        b.pipeline("x").stage("upper", (String s) -> s.toUpperCase(java.util.Locale.ROOT)).build();
        String out = new RunCommands(live, b).run("x", "hi");
        assertTrue(out.matches("(?s)pipeline +result +output +duration\nx +succeeded +HI .*"), out);
    }
}
