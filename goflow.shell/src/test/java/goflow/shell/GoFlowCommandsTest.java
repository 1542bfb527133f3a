package goflow.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.Primitive;
import goflow.api.context.Context;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.inspect.Registry;
import goflow.api.inspect.Stats;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.AimdLimit;
import goflow.api.ratelimit.Permit;
import goflow.api.stream.StreamSource;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.stream.SourceRegistry;

class GoFlowCommandsTest {

    /** A registry holding fixed rows. */
    private static final class FixedRegistry implements Registry {
        private final List<PrimitiveInfo> rows = new ArrayList<>();

        FixedRegistry add(String name, Primitive.Kind kind, String owner, Map<String, Object> stats) {
            Map<String, Object> copy = new LinkedHashMap<>(stats);
            Stats s = new Stats() {
                @Override
                public Map<String, Object> toMap() {
                    return copy;
                }
            };
            rows.add(new PrimitiveInfo(name, kind, owner, s));
            return this;
        }

        @Override
        public List<Primitive> primitives() {
            return List.of();
        }

        @Override
        public List<PrimitiveInfo> snapshot() {
            return List.copyOf(rows);
        }

        @Override
        public Optional<Primitive> find(String name) {
            return Optional.empty();
        }

        @Override
        public <T extends Primitive> Optional<T> find(String name, Class<T> type) {
            return Optional.empty();
        }

        @Override
        public Optional<Primitive> find(PrimitiveInfo row) {
            return Optional.empty();
        }
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private final FixedRegistry registry = new FixedRegistry()
            .add("api", Primitive.Kind.TOKEN_BUCKET, "app.bundle", map("rate", 100.0, "burst", 200L, "allowed", 12345L))
            .add("db", Primitive.Kind.CONCURRENCY_LIMITER, "config", map("capacity", 8, "inUse", 3))
            .add("text", Primitive.Kind.PIPELINE, "app.bundle", map("executions", 2L, "stage.upper.count", 2L))
            .add("workers", Primitive.Kind.WORKER_POOL, "app.bundle",
                    map("workers", 4, "completed", 17L, "avgDuration", Duration.ofMillis(12)));

    private final GoFlowCommands commands = new GoFlowCommands(registry, property -> property.equals(PluginLister.STAGE_NAME)
            ? List.of(new PluginLister.Plugin("upper", "goflow.api.pipeline.Stage", "goflow.plugin.text", 42L))
            : List.of(), new SourceRegistry());

    @Test
    void statsGroupsByFamilyInAlignedTables() {
        assertEquals(""
                + "Limiters (2)\n"
                + "name  kind          owner       rate  burst  allowed\n"
                + "api   token-bucket  app.bundle   100    200    12345\n"
                + "\n"
                + "name  kind                 owner   capacity  inUse\n"
                + "db    concurrency-limiter  config         8      3\n"
                + "\n"
                + "Worker pools (1)\n"
                + "name     kind         owner       workers  completed  avgDuration\n"
                + "workers  worker-pool  app.bundle        4         17       12.0ms\n"
                + "\n"
                + "Pipelines (1)\n"
                + "name  kind      owner       executions\n"
                + "text  pipeline  app.bundle           2\n",
                commands.stats());
    }

    @Test
    void familyCommands() {
        assertEquals(""
                + "name     kind         owner       workers  completed  avgDuration\n"
                + "workers  worker-pool  app.bundle        4         17       12.0ms\n", commands.pools());
        assertEquals(5, commands.limiters().split("\n").length);
        assertEquals(""
                + "name  kind      owner       executions\n"
                + "text  pipeline  app.bundle           2\n", commands.pipelines(), "nested figures are left out");
        assertEquals("no schedulers\n", commands.schedules());
    }

    @Test
    void statsOfOnePrimitive() {
        assertEquals(""
                + "statistic  value\n"
                + "name       api\n"
                + "kind       token-bucket\n"
                + "owner      app.bundle\n"
                + "rate       100\n"
                + "burst      200\n"
                + "allowed    12345\n", commands.stats("api"));
        assertEquals("no primitive named 'nope'; known: api, db, text, workers\n", commands.stats("nope"));
    }

    @Test
    void familyCommandsShowOnePrimitiveOfTheirFamilyByName() {
        assertEquals(""
                + "statistic  value\n"
                + "name       db\n"
                + "kind       concurrency-limiter\n"
                + "owner      config\n"
                + "capacity   8\n"
                + "inUse      3\n", commands.limiters("db"));
        assertEquals(""
                + "statistic    value\n"
                + "name         workers\n"
                + "kind         worker-pool\n"
                + "owner        app.bundle\n"
                + "workers      4\n"
                + "completed    17\n"
                + "avgDuration  12.0ms\n", commands.pools("workers"));
        assertEquals("no limiter named 'workers' (it is a worker-pool); known: api, db\n", commands.limiters("workers"));
        assertEquals("no limiter named 'nope'; known: api, db\n", commands.limiters("nope"));
        assertEquals("no worker pool named 'api' (it is a token-bucket); known: workers\n", commands.pools("api"));
        assertEquals("no scheduler named 'nope'; known: none\n", commands.schedules("nope"));
        assertEquals("no pipeline named 'db' (it is a concurrency-limiter); known: text\n", commands.pipelines("db"));
    }

    /**
     * A plugin's Stats that is not a record and does not override toMap() (or whose toMap() throws
     * an Error) is one unreadable primitive: it is listed with the failure as its one figure,
     * statsError, as the registry lists one whose stats() throws, and the others are shown.
     */
    @Test
    void aPrimitiveWhoseFiguresCannotBeReadIsListedWithTheFailureAndTheOthersStillShow() {
        FixedRegistry withOdd = new FixedRegistry().add("api", Primitive.Kind.TOKEN_BUCKET, "app", map("rate", 1.0));
        withOdd.rows.add(new PrimitiveInfo("odd", Primitive.Kind.TOKEN_BUCKET, "plugin", new Stats() { }));
        withOdd.rows.add(new PrimitiveInfo("gone", Primitive.Kind.WORKER_POOL, "plugin", new Stats() {
            @Override
            public Map<String, Object> toMap() {
                throw new NoClassDefFoundError("plugin/PoolFigures");
            }
        }));
        GoFlowCommands c = new GoFlowCommands(withOdd, p -> List.of(), new SourceRegistry());
        String all = c.stats();
        assertTrue(all.matches("(?s)Limiters \\(2\\)\nname +kind +owner +rate +statsError\n"
                + "api +token-bucket +app +1 +-\n"
                + "odd +token-bucket +plugin +- +java.lang.UnsupportedOperationException: .*\n\n"
                + "Worker pools \\(1\\)\nname +kind +owner +statsError\n"
                + "gone +worker-pool +plugin +java.lang.NoClassDefFoundError: plugin/PoolFigures\n"), all);
        assertTrue(c.limiters("odd").matches("(?s)statistic +value\nname +odd\n.*\n"
                + "statsError +java.lang.UnsupportedOperationException: .*"), c.limiters("odd"));
        assertTrue(c.pools().contains("java.lang.NoClassDefFoundError: plugin/PoolFigures"), c.pools());
    }

    /**
     * A plugin's figure names become column headers of the family tables: their control characters
     * (a terminal escape, a line break) show escaped as a cell's do, and the table stays one line
     * per row.
     */
    @Test
    void aFigureNamedWithControlCharactersIsAHeaderOnOneLineThatDoesNothingToTheTerminal() {
        FixedRegistry hostile = new FixedRegistry().add("api", Primitive.Kind.TOKEN_BUCKET, "app",
                map("rate", 1.0, "x\u001b[2J\u001b]0;pwned\u0007\ny", 2L));
        String out = new GoFlowCommands(hostile, p -> List.of(), new SourceRegistry()).limiters();
        assertEquals(""
                + "name  kind          owner  rate  x\\u001b[2J\\u001b]0;pwned\\u0007\\ny\n"
                + "api   token-bucket  app       1  " + " ".repeat(32) + "2\n", out);
    }

    /**
     * A right-to-left override (or any other bidirectional formatting character) in a name would
     * show the rest of its row reversed, its columns included: escaped as a control character is.
     */
    @Test
    void aNameWithBidirectionalOverridesIsShownEscapedAndTheRowKeepsItsOrder() {
        FixedRegistry hostile = new FixedRegistry().add("api\u202egnp.exe\u202c\u2066\u200f", Primitive.Kind.TOKEN_BUCKET,
                "app", map("rate", 1.0));
        String out = new GoFlowCommands(hostile, p -> List.of(), new SourceRegistry()).limiters();
        assertEquals(""
                + "name" + " ".repeat(32) + "kind          owner  rate\n"
                + "api\\u202egnp.exe\\u202c\\u2066\\u200f  token-bucket  app       1\n", out);
    }

    @Test
    void theKnownNamesAreBoundedForALargeRegistry() {
        FixedRegistry many = new FixedRegistry();
        for (int i = 0; i < 1000; i++) {
            many.add(String.format("key-%04d", i), Primitive.Kind.TOKEN_BUCKET, "app", map("rate", 1.0));
        }
        String message = new GoFlowCommands(many, p -> List.of(), new SourceRegistry()).limiters("nope");
        assertEquals("no limiter named 'nope'; known: key-0000, key-0001, key-0002, key-0003, key-0004, key-0005,"
                + " key-0006, key-0007, key-0008, key-0009, key-0010, key-0011, key-0012, key-0013, key-0014,"
                + " key-0015, key-0016, key-0017, key-0018, key-0019, ... (980 more)\n", message);
    }

    @Test
    void aPoolWithoutTaskTimesShowsADashForThem() {
        ManualClock clock = new ManualClock();
        try (GoFlow goflow = new GoFlowImpl(clock, "shell")) {
            var timed = goflow.workerPool().name("timed").workers(1).build();
            var untimed = goflow.workerPool().name("untimed").workers(1).measureTaskTimes(false).build();
            for (var pool : List.of(timed, untimed)) {
                pool.submit(ctx -> {
                    clock.advance(Duration.ofMillis(20));
                    return 1;
                }).join();
            }
            GoFlowCommands live = new GoFlowCommands(goflow.registry(), p -> List.of(), goflow.streamSources());
            String table = live.pools();
            assertTrue(table.matches("(?s)name +kind +owner +state .* averageTaskTime +maxTaskTime\n"
                    + "timed +worker-pool .* 20\\.0ms +20\\.0ms\n"
                    + "untimed +worker-pool .* - +-\n"), table);
            String one = live.pools("untimed");
            assertFalse(one.contains("TaskTime"), "no task time rows for a pool that does not measure them: " + one);
        }
    }

    @Test
    void schedulesOfOneSchedulerListsItsTasks() {
        try (GoFlow goflow = new GoFlowImpl(new ManualClock(), "shell")) {
            goflow.scheduler().name("jobs").workers(1).build()
                    .task(ctx -> { }).id("report").every(Duration.ofHours(1));
            goflow.scheduler().name("idle").workers(1).build();
            GoFlowCommands live = new GoFlowCommands(goflow.registry(), p -> List.of(), goflow.streamSources());
            String jobs = live.schedules("jobs");
            assertTrue(jobs.matches("(?s)statistic +value\nname +jobs\nkind +scheduler\n.*\n\n"
                    + "task +schedule +state +nextRun +runs +failures +skipped +activeRuns +lastOutcome\n"
                    + "report +every PT1H +SCHEDULED +\\S+ +0 +0 +0 +0 +-\n"), jobs);
            assertTrue(live.schedules("idle").endsWith("\n\nno scheduled tasks\n"), live.schedules("idle"));
            assertEquals("no scheduler named 'nope'; known: idle, jobs\n", live.schedules("nope"));
        }
    }

    @Test
    void anAdaptiveLimiterShowsItsLimitsHistoryNewestFirst() throws Exception {
        ManualClock clock = new ManualClock();
        try (GoFlow goflow = new GoFlowImpl(clock, "shell")) {
            AdaptiveLimiter db = goflow.adaptiveLimiter().name("db").algorithm(AimdLimit.defaults())
                    .initialLimit(4).window(Duration.ofMillis(100), 2).build();
            for (int window = 0; window < 3; window++) {
                // three calls in flight at once (at least half the limit: the limit held them back), 60 ms each
                for (int round = 0; round < 2; round++) {
                    Permit a = db.tryAcquirePermit().orElseThrow();
                    Permit b = db.tryAcquirePermit().orElseThrow();
                    Permit c = db.tryAcquirePermit().orElseThrow();
                    clock.advance(Duration.ofMillis(60));
                    a.success();
                    b.success();
                    c.success();
                }
            }
            GoFlowCommands live = new GoFlowCommands(goflow.registry(), p -> List.of(), goflow.streamSources());
            String out = live.limiters("db");
            assertTrue(out.matches("(?s)statistic +value\nname +db\nkind +adaptive-limiter\n.*limit +7\n.*\n\n"
                    + "limit history \\(3 windows, newest first\\)\n"
                    + "windowEnd +limit +latency +samples +dropped +maxInFlight +probe\n"
                    + "\\S+ +7 +60\\.0ms +\\d+ +0 +3 *\n"
                    + "\\S+ +6 +60\\.0ms +\\d+ +0 +3 *\n"
                    + "\\S+ +5 +60\\.0ms +\\d+ +0 +3 *\n"), out);
            assertEquals(3, db.history().size());
        }
    }

    @Test
    void pluginsAreListedByTheirNameProperty() {
        assertEquals(""
                + "stage  type                       bundle              service.id\n"
                + "upper  goflow.api.pipeline.Stage  goflow.plugin.text          42\n", commands.stages());
        assertEquals("no source plugins\n", commands.sources());
    }

    @Test
    void sourcesShowTheStatisticsOfEachName() throws Exception {
        ManualClock clock = new ManualClock();
        try (GoFlow goflow = new GoFlowImpl(clock, "shell")) {
            StreamSource<Integer> three = ctx -> new StreamSource.Cursor<>() {
                private int next;

                @Override
                public boolean tryAdvance(Context c, Consumer<? super Integer> action) {
                    if (next == 3) {
                        return false;
                    }
                    action.accept(++next);
                    return true;
                }
            };
            goflow.streamSources().register("orders", three);
            goflow.streamSources().register("old", three).close();
            goflow.streams().named("orders", Integer.class).toList(Context.background());
            goflow.streams().named("orders", Integer.class).limit(1).toList(Context.background());
            GoFlowCommands withSources = new GoFlowCommands(registry, property -> property.equals(PluginLister.SOURCE_NAME)
                    ? List.of(new PluginLister.Plugin("orders", "goflow.api.stream.StreamSource", "goflow.plugin.sources", 7L),
                            new PluginLister.Plugin("lines", "goflow.api.stream.StreamSource", "goflow.plugin.sources", 8L))
                    : List.of(), goflow.streamSources());
            String at = Table.format(clock.instant());
            assertEquals(""
                    + "source  bound  opened  open  elements  failures  closed  lastOpened" + " ".repeat(at.length() - 10)
                    + "  type                            bundle                 service.id\n"
                    + "lines   false       -     -         -         -       -  -" + " ".repeat(at.length() - 1)
                    + "  goflow.api.stream.StreamSource  goflow.plugin.sources           8\n"
                    + "old     false       0     0         0         0       0  -" + " ".repeat(at.length() - 1)
                    + "  -                               -                               -\n"
                    + "orders  true        2     0         4         0       2  " + at
                    + "  goflow.api.stream.StreamSource  goflow.plugin.sources           7\n",
                    withSources.sources());
        }
    }

    @Test
    void emptyRegistry() {
        assertEquals("no goflow primitives\n", new GoFlowCommands(new FixedRegistry(), p -> List.of(), new SourceRegistry()).stats());
    }

    @Test
    void durationsAndNumbersFormatting() {
        assertEquals("999ns", Table.format(Duration.ofNanos(999)));
        assertEquals("1.5us", Table.format(Duration.ofNanos(1500)));
        assertEquals("2.50s", Table.format(Duration.ofMillis(2500)));
        assertEquals("0.33", Table.format(1.0 / 3));
        assertEquals("-", Table.format(null));
    }
}
