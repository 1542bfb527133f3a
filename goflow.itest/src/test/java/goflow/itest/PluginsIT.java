package goflow.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.File;
import java.io.FileInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

import goflow.api.GoFlow;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.Stage;
import goflow.api.pipeline.StageNotFoundException;
import goflow.api.pipeline.StageStats;
import goflow.api.pipeline.StreamingResult;
import goflow.api.pipeline.StreamingRun;
import goflow.api.stream.SourceStats;
import goflow.api.stream.StreamSource;

/**
 * The real plugin bundles and pipelines configured by stage names: a pipeline waits for a missing
 * stage plugin (executions fail at once, naming it) and is ready when the plugin is installed;
 * a streaming run survives the plugin being updated, uninstalled and installed again, with every
 * item accounted as done or failed and the stage statistics kept; the statistics of a stream source
 * plugin are one figure per name, shared by every GoFlow, and survive an update of the plugin.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginsIT {
    private static final File CODEC = new File(Runtime.BUNDLES, "goflow.plugin.codec.jar");
    private static final File SOURCES = new File(Runtime.BUNDLES, "goflow.plugin.sources.jar");

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin cm;

    @Inject
    private GoFlow goflow;

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() {
        return options(Runtime.goflowWithShell(), Runtime.file("goflow.plugin.text"), Runtime.exam());
    }

    @After
    public void uninstallPlugins() throws Exception {
        for (Bundle b : context.getBundles()) {
            if ("goflow.plugin.codec".equals(b.getSymbolicName())
                    || "goflow.plugin.sources".equals(b.getSymbolicName())) {
                b.uninstall();
            }
        }
    }

    private Bundle installCodec() throws Exception {
        Bundle b = context.installBundle(CODEC.toURI().toString());
        b.start();
        return b;
    }

    private org.osgi.service.cm.Configuration pipeline(String name, String... stages) throws Exception {
        org.osgi.service.cm.Configuration c = cm.getFactoryConfiguration("goflow.pipeline", name, "?");
        Dictionary<String, Object> d = new Hashtable<>();
        d.put("stages", stages);
        c.update(d);
        return c;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Pipeline<Object, Object> awaitPipeline(String name) throws Exception {
        Pipeline<Object, Object>[] found = new Pipeline[1];
        RuntimeIT.await(() -> {
            try {
                for (ServiceReference<Pipeline> r : context.getServiceReferences(Pipeline.class, "(goflow.name=" + name + ")")) {
                    found[0] = context.getService(r);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return found[0] != null;
        });
        return found[0];
    }

    @SuppressWarnings("rawtypes")
    private long stageServiceId(String name) throws Exception {
        for (ServiceReference<Stage> r : context.getServiceReferences(Stage.class, "(" + Stage.NAME_PROPERTY + "=" + name + ")")) {
            return (Long) r.getProperty(Constants.SERVICE_ID);
        }
        return -1;
    }

    @Test
    public void aPipelineWaitsForAMissingStagePluginAndIsReadyOnceItIsInstalled() throws Exception {
        org.osgi.service.cm.Configuration c = pipeline("plugins-wait", "trim", "upper", "sha256");
        try {
            Pipeline<Object, Object> p = awaitPipeline("plugins-wait");
            PipelineResult<Object, Object> missing = p.execute(" hello ");
            assertTrue(String.valueOf(missing.error()), missing.error() instanceof StageNotFoundException);
            assertEquals("sha256", missing.failedStage().orElseThrow().stageName());
            assertTrue(missing.error().getMessage(), missing.error().getMessage().contains("sha256"));

            installCodec();
            RuntimeIT.await(() -> p.execute(" hello ").succeeded());
            assertEquals("the digest of the upper-cased text", sha256Hex("HELLO"), p.execute(" hello ").orElseThrow());

            uninstallPlugins();
            RuntimeIT.await(() -> p.execute("x").error() instanceof StageNotFoundException);
            assertEquals("sha256", p.execute("x").failedStage().orElseThrow().stageName());
        } finally {
            c.delete();
        }
    }

    private static String sha256Hex(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    public void aStreamingRunSurvivesThePluginBeingUpdatedUninstalledAndInstalledAgain() throws Exception {
        Bundle codec = installCodec();
        org.osgi.service.cm.Configuration c = pipeline("plugins-stream", "trim", "upper", "sha256");
        try {
            Pipeline<Object, Object> p = awaitPipeline("plugins-stream");
            RuntimeIT.await(() -> p.execute("a").succeeded());
            long warmUp = 1;

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong produced = new AtomicLong();
            AtomicLong delivered = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            Map<String, Long> failuresByStageAndError = new ConcurrentHashMap<>();
            Iterator<Object> source = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return !stop.get();
                }

                @Override
                public Object next() {
                    LockSupport.parkNanos(100_000); // a steady trickle, so that the run spans the changes
                    return " item-" + produced.incrementAndGet() + " ";
                }
            };
            StreamingRun run = p.stream().concurrency(4).onError((item, failure) -> {
                failed.incrementAndGet();
                failuresByStageAndError.merge(failure.stageName() + ":" + failure.error().getClass().getSimpleName(),
                        1L, Long::sum);
            }).start(Context.background(), source, out -> {
                assertEquals(64, out.toString().length());
                delivered.incrementAndGet();
            });

            awaitMore(delivered, 200);
            long before = stageServiceId("sha256");
            try (InputStream in = new FileInputStream(CODEC)) {
                codec.update(in);
            }
            RuntimeIT.await(() -> {
                try {
                    long now = stageServiceId("sha256");
                    return now != -1 && now != before;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitMore(delivered, 200); // served by the updated plugin

            codec.uninstall();
            awaitMore(failed, 50); // missing: items fail at sha256 at once, none waits
            installCodec();
            awaitMore(delivered, 200); // and the same run goes on with the new bundle

            stop.set(true);
            StreamingResult result = run.completion().get(30, TimeUnit.SECONDS);
            assertTrue(String.valueOf(result.error()), result.completed());
            assertEquals(produced.get(), result.itemsIn());
            assertEquals(0, result.itemsDropped());
            assertEquals("every item is done or failed", result.itemsIn(), result.itemsOut() + result.itemsFailed());
            assertEquals(delivered.get(), result.itemsOut());
            assertEquals(failed.get(), result.itemsFailed());
            assertEquals(0, run.itemsInFlight());
            for (String key : failuresByStageAndError.keySet()) {
                assertTrue("only the plugin's stage fails: " + failuresByStageAndError, key.startsWith("sha256:"));
            }
            assertTrue(failuresByStageAndError.toString(),
                    failuresByStageAndError.containsKey("sha256:" + StageNotFoundException.class.getSimpleName()));

            // The statistics of the stage names survived the update, uninstall and reinstall.
            StageStats trim = p.stats().stage("trim").orElseThrow();
            StageStats sha = p.stats().stage("sha256").orElseThrow();
            assertEquals(result.itemsIn() + warmUp, trim.count());
            assertEquals(result.itemsOut() + warmUp, sha.successes());
            assertEquals(result.itemsFailed(), sha.errors());
            assertNotEquals(0, sha.errors());
            assertEquals(0, sha.inFlight());
        } finally {
            c.delete();
        }
    }

    /** Runs one shell command line and returns what the console would show. */
    private String shell(String line) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), ps, ps)) {
            Object value = session.execute(line);
            ps.flush();
            String printed = out.toString(StandardCharsets.UTF_8);
            return value == null ? printed : printed + value;
        }
    }

    /** The figures of a source's row in goflow:sources: bound, opened, open, elements, failures, closed. */
    private List<String> shellRow(String source) throws Exception {
        String table = shell("goflow:sources");
        for (String line : table.split("\n")) {
            String[] cells = line.trim().split(" +");
            if (cells[0].equals(source)) {
                return Arrays.asList(cells).subList(1, 7);
            }
        }
        throw new AssertionError("no row for " + source + " in\n" + table);
    }

    private static List<String> figures(SourceStats s) {
        return List.of(String.valueOf(s.bound()), String.valueOf(s.opened()), String.valueOf(s.open()),
                String.valueOf(s.elements()), String.valueOf(s.failures()), String.valueOf(s.closed()));
    }

    private SourceStats sourceStats(String name) {
        return goflow.streamSources().stats(name).orElseThrow();
    }

    @SuppressWarnings("rawtypes")
    private long sourceServiceId(String name) throws Exception {
        for (ServiceReference<StreamSource> r : context.getServiceReferences(StreamSource.class,
                "(" + StreamSource.NAME_PROPERTY + "=" + name + ")")) {
            return (Long) r.getProperty(Constants.SERVICE_ID);
        }
        return -1;
    }

    @Test
    public void sourceStatisticsAreOnePerNameAndSurviveAnUpdateOfThePlugin() throws Exception {
        Bundle sources = context.installBundle(SOURCES.toURI().toString());
        sources.start();
        RuntimeIT.await(() -> goflow.streamSources().names().containsAll(List.of("counter", "lines", "orders")));

        // this bundle's GoFlow and the shell's GoFlow count into the same figures
        assertEquals(5, goflow.streams().named("counter", Long.class).limit(5).toList(Context.background()).size());
        assertTrue(shell("goflow:stream orders 3").contains("\n3 "));
        assertEquals(List.of(1L, 0L, 5L, 0L, 1L), counts(sourceStats("counter")));
        assertEquals(List.of(1L, 0L, 3L, 0L, 1L), counts(sourceStats("orders")));
        assertEquals(figures(sourceStats("counter")), shellRow("counter"));
        assertEquals(figures(sourceStats("orders")), shellRow("orders"));

        // a stream is running on the plugin while it is updated
        AtomicLong seen = new AtomicLong();
        CompletableFuture<Throwable> running;
        long before = sourceServiceId("counter");
        try (CancellableContext c = Context.background().withCancel()) {
            running = CompletableFuture.supplyAsync(() -> {
                try {
                    goflow.streams().named("counter", Long.class).forEach(c, x -> {
                        seen.incrementAndGet();
                        LockSupport.parkNanos(1_000_000);
                    });
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            awaitMore(seen, 10);
            assertEquals(1, sourceStats("counter").open());
            assertEquals("1", shellRow("counter").get(2));

            try (InputStream in = new FileInputStream(SOURCES)) {
                sources.update(in);
            }
            RuntimeIT.await(() -> {
                try {
                    long now = sourceServiceId("counter");
                    return now != -1 && now != before && goflow.streamSources().names().contains("counter");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitMore(seen, 10);
            c.cancel();
            assertTrue(String.valueOf(running.get(30, TimeUnit.SECONDS)),
                    running.get() instanceof goflow.api.context.CancelledException);
        }
        SourceStats afterCancel = sourceStats("counter");
        assertEquals("the cursor opened before the update is closed", 0, afterCancel.open());
        assertEquals(2, afterCancel.closed());

        // the updated plugin continues the counts of its name
        assertEquals(5, goflow.streams().named("counter", Long.class).limit(5).toList(Context.background()).size());
        SourceStats counter = sourceStats("counter");
        assertTrue(counter.bound());
        assertEquals(List.of(3L, 0L, afterCancel.elements() + 5, 0L, 3L), counts(counter));
        assertTrue(counter.elements() >= 5 + 20 + 5);
        assertEquals(figures(counter), shellRow("counter"));
        assertEquals("orders kept its figures too", List.of(1L, 0L, 3L, 0L, 1L), counts(sourceStats("orders")));

        // uninstalled: the figures stay, no longer bound
        sources.uninstall();
        RuntimeIT.await(() -> !goflow.streamSources().names().contains("counter"));
        assertEquals(List.of("false", "3", "0", String.valueOf(counter.elements()), "0", "3"), shellRow("counter"));
    }

    private static List<Long> counts(SourceStats s) {
        return List.of(s.opened(), s.open(), s.elements(), s.failures(), s.closed());
    }

    private static void awaitMore(AtomicLong counter, long more) throws InterruptedException {
        long target = counter.get() + more;
        RuntimeIT.await(() -> counter.get() >= target);
    }

}
