package goflow.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Job;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import goflow.api.GoFlow;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.Stage;
import goflow.api.function.ThrowingFunction;
import goflow.api.schedule.Scheduler;
import goflow.api.stream.StreamSource;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.RateLimiter;

/** Every goflow shell command runs in Gogo and prints the expected rows. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellIT {

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor processor;

    @Inject
    private GoFlow goflow;

    @Configuration
    public Option[] config() {
        return options(Runtime.goflowWithShell(), Runtime.exam());
    }

    /** Runs one command line and returns what the console would show: its output and its value. */
    private String run(String line) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        InputStream in = new java.io.ByteArrayInputStream(new byte[0]);
        try (CommandSession session = processor.createSession(in, ps, ps)) {
            Object value = session.execute(line);
            ps.flush();
            String printed = out.toString(StandardCharsets.UTF_8);
            return value == null ? printed : printed + value;
        }
    }

    @Test
    public void everyCommandIsRegisteredWithHelp() throws Exception {
        for (String cmd : new String[] {"stats", "pools", "limiters", "pipelines", "schedules", "stages", "sources",
            "rate", "burst", "capacity", "resize", "run", "stream"}) {
            String help = run("help goflow:" + cmd);
            assertTrue(cmd + ": " + help, help.startsWith(cmd + " - ") && help.contains("scope: goflow"));
        }
        assertTrue(run("help goflow:stats"), run("help goflow:stats").contains("the primitive's name"));
    }

    @Test
    public void emptyRuntime() throws Exception {
        assertEquals("no goflow primitives\n", run("goflow:stats"));
        assertEquals("no worker pools\n", run("goflow:pools"));
        assertEquals("no limiters\n", run("goflow:limiters"));
        assertEquals("no pipelines\n", run("goflow:pipelines"));
        assertEquals("no schedulers\n", run("goflow:schedules"));
        assertEquals("no primitive named 'nope'; known: none\n", run("goflow:stats nope"));
        assertEquals("no limiter named 'nope'; known: none\n", run("goflow:limiters nope"));
    }

    @Test
    public void stagesAndSourcesListPluginServices() throws Exception {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("goflow.stage.name", "upper");
        ServiceRegistration<Runnable> stage = context.registerService(Runnable.class, () -> { }, props);
        Dictionary<String, Object> sprops = new Hashtable<>();
        sprops.put("goflow.source.name", "numbers");
        ServiceRegistration<Runnable> source = context.registerService(Runnable.class, () -> { }, sprops);
        try {
            String stages = run("goflow:stages");
            assertTrue(stages, stages.matches("(?s)stage +type +bundle +service.id\n"
                    + "upper +java.lang.Runnable +PAXEXAM-PROBE\\S* +\\d+\n"));
            String sources = run("goflow:sources");
            // not a StreamSource, so listed but not bound: no statistics (other tests' sources may follow)
            assertTrue(sources, sources.matches("(?s)source +bound +opened +open +elements +failures +closed +lastOpened"
                    + " +type +bundle +service.id\n"
                    + "(.*\n)?numbers +false +- +- +- +- +- +- +java.lang.Runnable +PAXEXAM-PROBE\\S* +\\d+\n.*"));
        } finally {
            stage.unregister();
            source.unregister();
        }
        assertEquals("no stage plugins\n", run("goflow:stages"));
        String sources = run("goflow:sources");
        assertTrue(sources, sources.equals("no source plugins\n") || !sources.contains("numbers"));
    }

    @Test
    public void commandsShowAndChangeLivePrimitives() throws Exception {
        RateLimiter api = goflow.tokenBucket().name("shell-api").rate(100).burst(200).build();
        ConcurrencyLimiter db = goflow.concurrencyLimiter().name("shell-db").capacity(8).build();
        WorkerPool pool = goflow.workerPool().name("shell-pool").workers(2).queueCapacity(10).build();
        try {
            String stats = run("goflow:stats");
            assertTrue(stats, stats.startsWith("Limiters (2)\n"));
            assertTrue(stats, stats.matches("(?s).*\nshell-db +concurrency-limiter +PAXEXAM-PROBE\\S* .*"));
            assertTrue(stats, stats.matches("(?s).*\nshell-api +token-bucket +PAXEXAM-PROBE\\S* +100 +200 +200 .*"));
            assertTrue(stats, stats.contains("\nWorker pools (1)\nname "));
            assertTrue(stats, stats.matches("(?s).*\nshell-pool +worker-pool +PAXEXAM-PROBE\\S* +RUNNING +2 .*"));

            String limiters = run("goflow:limiters");
            assertTrue(limiters, limiters.startsWith("name "));
            assertEquals(limiters, 5, limiters.split("\n").length);
            String pools = run("goflow:pools");
            assertEquals(pools, 2, pools.split("\n").length);
            assertTrue(run("goflow:stats shell-api"), run("goflow:stats shell-api").contains("\nburst      200\n"));

            assertTrue(run("goflow:rate shell-api 50").matches("(?s).*shell-api +token-bucket +rate +100 +50\n"));
            assertEquals(50.0, api.rate().eventsPerSecond(), 0.0);
            assertTrue(run("goflow:burst shell-api 20").matches("(?s).*shell-api +token-bucket +burst +200 +20\n"));
            assertEquals(20, api.burst());
            assertTrue(run("goflow:capacity shell-db 3").matches("(?s).*shell-db +concurrency-limiter +capacity +8 +3\n"));
            assertEquals(3, db.capacity());
            assertTrue(run("goflow:resize shell-pool 4").matches("(?s).*shell-pool +worker-pool +workers +2 +4\n"));
            assertEquals(4, pool.workers());
            Exception e = assertThrows(Exception.class, () -> run("goflow:resize nope 4"));
            assertEquals("no worker pool named 'nope'; known: shell-pool", e.getMessage());
        } finally {
            api.close();
            db.close();
            pool.close();
        }
    }

    @Test
    public void runPipelinesStreamAndSchedules() throws Exception {
        Dictionary<String, Object> sp = new Hashtable<>();
        sp.put(Stage.NAME_PROPERTY, "shout");
        ServiceRegistration<?> shout = context.registerService(Stage.class,
                Stage.of("shout", (ThrowingFunction<String, String>) s -> s.toUpperCase(java.util.Locale.ROOT) + "!"), sp);
        Dictionary<String, Object> srcp = new Hashtable<>();
        srcp.put(StreamSource.NAME_PROPERTY, "letters");
        StreamSource<String> letters = ctx -> new StreamSource.Cursor<>() {
            private char next = 'a';

            @Override
            public boolean tryAdvance(goflow.api.context.Context c, java.util.function.Consumer<? super String> a) {
                a.accept(String.valueOf(next++));
                return true;
            }
        };
        ServiceRegistration<?> source = context.registerService(StreamSource.class, letters, srcp);
        Pipeline<Object, Object> p = goflow.pipeline("shell-text").stages("shout").build();
        Scheduler jobs = goflow.scheduler().name("shell-jobs").workers(1).build();
        try {
            String out = run("goflow:run shell-text hello");
            assertTrue(out, out.matches("(?s)pipeline +result +output +duration\nshell-text +succeeded +HELLO! .*"
                    + "\nshout +hello +HELLO! +\\S+ +-\n"));
            String stats = run("goflow:pipelines shell-text");
            assertTrue(stats, stats.matches("(?s).*\nshell-text +1 +1 +0 +0 .*\nshout +1 +1 +0 +0 .*"));
            assertTrue(run("goflow:pipelines").matches("(?s)name .*\nshell-text +pipeline .*"));
            assertEquals("#  element\n1  a\n2  b\n", run("goflow:stream letters 2"));
            String sources = run("goflow:sources");
            assertTrue(sources, sources.matches("(?s).*\nletters +true +1 +0 +2 +0 +1 +\\d{4}-\\S+ +"
                    + "goflow.api.stream.StreamSource +PAXEXAM-PROBE\\S* +\\d+\n.*"));
            String schedules = run("goflow:schedules");
            assertTrue(schedules, schedules.matches("(?s)name +kind +owner +running .*\nshell-jobs +scheduler +PAXEXAM\\S+ +false .*"));
        } finally {
            p.close();
            jobs.close();
            shout.unregister();
            source.unregister();
        }
    }

    /** Polls {@code condition} every 20 ms for up to 30 s (these machines are busy). */
    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() - deadline < 0) {
            if (condition.getAsBoolean()) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return condition.getAsBoolean();
    }

    /** The text a stream wrote so far (the stream is written by the command thread). */
    private static String text(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    public void streamPrintsEachElementAsItComesAndCtrlCStopsItAndClosesTheSource() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        StreamSource<Long> ticks = ctx -> new StreamSource.Cursor<>() {
            private long next;

            @Override
            public boolean tryAdvance(goflow.api.context.Context c, java.util.function.Consumer<? super Long> a)
                    throws InterruptedException {
                if (next > 0) {
                    c.sleep(java.time.Duration.ofMillis(20));
                }
                a.accept(++next);
                return true;
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(StreamSource.NAME_PROPERTY, "shell-ticks");
        ServiceRegistration<?> source = context.registerService(StreamSource.class, ticks, props);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        AtomicReference<Object> ended = new AtomicReference<>();
        try (CommandSession session = processor.createSession(new java.io.ByteArrayInputStream(new byte[0]), ps, ps)) {
            Thread shell = new Thread(() -> {
                try {
                    ended.set(String.valueOf(session.execute("goflow:stream shell-ticks 100000")));
                } catch (Exception e) {
                    ended.set(e);
                }
            }, "shell-it-stream");
            shell.start();
            try {
                assertTrue("elements reach the console while the command runs: " + text(out),
                        eventually(() -> text(out).matches("(?s)#  element\n1  1\n2  2\n3  3\n.*")));
                assertTrue(shell.isAlive());
                assertFalse(closed.get());
                // Ctrl-C in Gogo's console: the foreground job is interrupted.
                assertTrue(eventually(() -> session.foregroundJob() != null || !session.jobs().isEmpty()));
                Job job = session.foregroundJob() != null ? session.foregroundJob() : session.jobs().get(0);
                job.interrupt();
                shell.join(TimeUnit.SECONDS.toMillis(30));
                assertFalse("the command ended after the interrupt", shell.isAlive());
            } finally {
                shell.interrupt();
                shell.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertTrue("source closed", eventually(closed::get));
            assertTrue(text(out), eventually(() -> text(out).matches("(?s).*\ngoflow:stream: interrupted after \\d+"
                    + " elements; source 'shell-ticks' closed\n")));
        } finally {
            source.unregister();
        }
    }

    @Test
    public void familyCommandsShowOnePrimitiveByName() throws Exception {
        RateLimiter api = goflow.tokenBucket().name("shell-one-api").rate(100).burst(200).build();
        WorkerPool pool = goflow.workerPool().name("shell-one-pool").workers(2).queueCapacity(10).build();
        Scheduler jobs = goflow.scheduler().name("shell-one-jobs").workers(1).build();
        try {
            String limiter = run("goflow:limiters shell-one-api");
            assertTrue(limiter, limiter.matches("(?s)statistic +value\nname +shell-one-api\nkind +token-bucket\n.*"
                    + "\nburst +200\n.*"));
            String p = run("goflow:pools shell-one-pool");
            assertTrue(p, p.matches("(?s)statistic +value\nname +shell-one-pool\nkind +worker-pool\n.*\nworkers +2\n.*"));
            jobs.every(java.time.Duration.ofHours(1), c -> { });
            String s = run("goflow:schedules shell-one-jobs");
            assertTrue(s, s.matches("(?s)statistic +value\nname +shell-one-jobs\n.*\n\ntask +schedule +state .*"));
            String none = run("goflow:limiters shell-one-pool");
            assertTrue(none, none.matches("no limiter named 'shell-one-pool' \\(it is a worker-pool\\); known: .*shell-one-api.*\n"));
            assertTrue(run("goflow:pools nope"), run("goflow:pools nope").matches("no worker pool named 'nope'; known: .*shell-one-pool.*\n"));
        } finally {
            api.close();
            pool.close();
            jobs.close();
        }
    }

    @Test
    public void numericArgumentsThatOverflowAreRefusedAndChangeNothing() throws Exception {
        RateLimiter api = goflow.tokenBucket().name("shell-big-api").rate(100).burst(200).build();
        ConcurrencyLimiter db = goflow.concurrencyLimiter().name("shell-big-db").capacity(8).build();
        WorkerPool pool = goflow.workerPool().name("shell-big-pool").workers(2).queueCapacity(10).build();
        try {
            Exception e = assertThrows(Exception.class, () -> run("goflow:capacity shell-big-db 3000000000"));
            assertTrue(e.toString(), e.getMessage().contains("capacity=3000000000") && e.getMessage().contains("2147483647"));
            assertEquals(8, db.capacity());
            e = assertThrows(Exception.class, () -> run("goflow:resize shell-big-pool 3000000000"));
            assertTrue(e.toString(), e.getMessage().contains("workers=3000000000") && e.getMessage().contains("2147483647"));
            assertEquals(2, pool.workers());
            e = assertThrows(Exception.class, () -> run("goflow:burst shell-big-api 99999999999999999999"));
            assertTrue(e.toString(), e.getMessage().contains("burst=99999999999999999999"));
            assertEquals(200, api.burst());
            e = assertThrows(Exception.class, () -> run("goflow:rate shell-big-api 1e400"));
            assertTrue(e.toString(), e.getMessage().contains("eventsPerSecond=1e400"));
            assertEquals(100.0, api.rate().eventsPerSecond(), 0.0);
            e = assertThrows(Exception.class, () -> run("goflow:stream shell-none 10000000000"));
            assertTrue(e.toString(), e.getMessage().contains("limit=10000000000"));
        } finally {
            api.close();
            db.close();
            pool.close();
        }
    }
}
