package goflow.impl.schedule;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import goflow.api.schedule.Lease;
import goflow.api.schedule.LeaseException;
import goflow.api.schedule.LeaseProvider;
import goflow.api.schedule.RunOutcome;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.ForwardingLease;
import goflow.impl.testing.LogCapture;
import goflow.impl.testing.MemoryLeases;

/**
 * What the scheduler says and does when a {@link LeaseProvider} throws: a {@link LeaseException}
 * (the store cannot be reached) is told apart from any other exception or Error (a defect in the
 * provider), and neither stops the scheduler's other tasks.
 */
@Timeout(60) // a run left active for ever makes stop() wait on the manual clock for ever
class ClusterLeaseFailureTest extends SchedulerTestSupport {
    private static final Duration TTL = Duration.ofSeconds(3);

    @RegisterExtension
    final LogCapture log = new LogCapture(ClusterLease.class.getName());

    private final MemoryLeases store = new MemoryLeases(clock);

    /**
     * A provider in front of a {@link MemoryLeases} node that throws {@link #acquire} from
     * tryAcquire, and {@link #renew} / {@link #release} from its leases, while they are set.
     */
    private static final class Faulty implements LeaseProvider {
        private final MemoryLeases.Node node;
        volatile Throwable acquire;
        volatile Throwable renew;
        volatile Throwable release;
        /** The calls to a lease's release(), whether or not it threw. */
        final AtomicInteger releases = new AtomicInteger();

        Faulty(MemoryLeases.Node node) {
            this.node = node;
        }

        private static void maybeThrow(Throwable t) {
            if (t != null) {
                Faulty.<RuntimeException>sneaky(t);
            }
        }

        /** Throws {@code t} whatever its type, as Kotlin or Scala code may (no checked exceptions there). */
        @SuppressWarnings("unchecked")
        private static <T extends Throwable> void sneaky(Throwable t) throws T {
            throw (T) t;
        }

        @Override
        public Optional<Lease> tryAcquire(String name, Duration ttl) {
            maybeThrow(acquire);
            return node.tryAcquire(name, ttl).map(l -> new ForwardingLease(l) {
                @Override
                public boolean renew(Duration t) {
                    maybeThrow(renew);
                    return super.renew(t);
                }

                @Override
                public void release() {
                    releases.incrementAndGet();
                    maybeThrow(release);
                    super.release();
                }
            });
        }

        @Override
        public String describe() {
            return "faulty store";
        }
    }

    private List<LogRecord> at(Level level) {
        return log.records().stream().filter(r -> r.getLevel() == level).collect(Collectors.toList());
    }

    private Scheduler everySecond(LeaseProvider leases) {
        Scheduler s = goflow.scheduler().name("jobs").workers(1).build();
        s.task(ctx -> { }).id("leased").oncePerCluster(leases, TTL).every(Duration.ofSeconds(1));
        return s;
    }

    @Test
    void aLeaseExceptionIsLoggedOnceAsAStoreThatCannotBeReached() {
        Faulty leases = new Faulty(store.node("a"));
        leases.acquire = new LeaseException("connection refused", null);
        Scheduler s = everySecond(leases);
        s.start();
        advance(s, Duration.ofSeconds(1), 3);

        assertEquals(3, s.task("leased").orElseThrow().skippedCount());
        assertEquals(List.of(), at(Level.SEVERE), log.lines().toString());
        List<LogRecord> warnings = at(Level.WARNING);
        assertEquals(1, warnings.size(), "logged once per outage: " + log.lines());
        String m = warnings.get(0).getMessage();
        assertTrue(m.contains("lease goflow/jobs/leased") && m.contains("cannot be reached")
                && m.contains("faulty store"), m);
        assertSame(leases.acquire, warnings.get(0).getThrown());
    }

    @Test
    void aRuntimeExceptionFromTheProviderIsLoggedAsADefectInItNotAsAnUnreachableStore() {
        Faulty leases = new Faulty(store.node("a"));
        IllegalArgumentException misconfigured = new IllegalArgumentException("no such key prefix: null");
        leases.acquire = misconfigured;
        Scheduler s = everySecond(leases);
        s.start();
        advance(s, Duration.ofSeconds(1), 3);

        ScheduledTask t = s.task("leased").orElseThrow();
        assertEquals(0, t.runCount(), "a run that cannot know it holds its lease does not run");
        assertEquals(3, t.skippedCount());
        List<LogRecord> severe = at(Level.SEVERE);
        assertEquals(1, severe.size(), "logged once while it lasts: " + log.lines());
        String m = severe.get(0).getMessage();
        assertTrue(m.contains("lease goflow/jobs/leased") && m.contains("faulty store")
                && m.contains(Faulty.class.getName()) && m.contains("IllegalArgumentException")
                && m.contains("defect in the lease provider"), m);
        assertFalse(m.contains("cannot be reached"), m);
        assertSame(misconfigured, severe.get(0).getThrown(), "with its stack trace");
        assertTrue(log.lines().stream().noneMatch(l -> l.contains("cannot be reached")), log.lines().toString());

        // then the store itself goes away: a different failure, told as such
        leases.acquire = new LeaseException("connection refused", null);
        advance(s, Duration.ofSeconds(1), 1);
        assertEquals(1, at(Level.WARNING).size(), log.lines().toString());
        assertTrue(at(Level.WARNING).get(0).getMessage().contains("cannot be reached"), log.lines().toString());
        leases.acquire = null;
        advance(s, Duration.ofSeconds(1), 1);
        assertEquals(1, t.runCount());
        assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("INFO") && l.contains("answers again")),
                log.lines().toString());
    }

    @Test
    void anErrorFromTheProviderFailsThatRunAndTheSchedulerGoesOnWithItsOtherTasks() {
        Faulty leases = new Faulty(store.node("a"));
        LinkageError gone = new NoClassDefFoundError("com/acme/leases/Store");
        leases.acquire = gone;
        Scheduler s = everySecond(leases);
        ScheduledTask plain = s.task(ctx -> { }).id("plain").every(Duration.ofSeconds(1));
        s.start();
        advance(s, Duration.ofSeconds(1), 3);

        assertEquals(3, plain.runCount());
        assertEquals(RunOutcome.Status.SUCCEEDED, plain.lastOutcome().orElseThrow().status());
        ScheduledTask leased = s.task("leased").orElseThrow();
        assertEquals(ScheduledTask.State.SCHEDULED, leased.state(), "tried again at its next due time");
        assertEquals(3, leased.runCount());
        assertEquals(RunOutcome.Status.FAILED, leased.lastOutcome().orElseThrow().status());
        assertSame(gone, leased.lastOutcome().orElseThrow().error().orElseThrow());
        List<LogRecord> severe = at(Level.SEVERE);
        assertEquals(3, severe.size(), "each failed run is logged: " + log.lines());
        String m = severe.get(0).getMessage();
        assertTrue(m.contains("lease goflow/jobs/leased") && m.contains("faulty store")
                && m.contains("NoClassDefFoundError") && m.contains("defect in the lease provider"), m);
        assertSame(gone, severe.get(0).getThrown());

        leases.acquire = null;
        advance(s, Duration.ofSeconds(1), 1);
        assertEquals(RunOutcome.Status.SUCCEEDED, leased.lastOutcome().orElseThrow().status());
    }

    @Test
    void anErrorFromALeasesReleaseDoesNotKeepStopFromReleasingTheOtherTasksLeases() {
        Faulty leases = new Faulty(store.node("a"));
        Scheduler s = goflow.scheduler().name("jobs").workers(1).build();
        s.task(ctx -> { }).id("faulty").oncePerCluster(leases, TTL).every(Duration.ofSeconds(1));
        s.task(ctx -> { }).id("sound").oncePerCluster(store.node("a"), TTL).every(Duration.ofSeconds(1));
        s.start();
        advance(s, Duration.ofSeconds(1), 1);
        assertEquals(Optional.of("a"), store.holder("goflow/jobs/faulty"));
        assertEquals(Optional.of("a"), store.holder("goflow/jobs/sound"));
        leases.release = new NoClassDefFoundError("com/acme/leases/Store");

        assertDoesNotThrow(() -> s.stop());
        assertFalse(s.isRunning());
        assertEquals(Optional.empty(), store.holder("goflow/jobs/sound"), "the other task's lease is released");
        assertEquals(Optional.of("a"), store.holder("goflow/jobs/faulty"), "runs out by itself");
        List<LogRecord> severe = at(Level.SEVERE);
        assertEquals(1, severe.size(), log.lines().toString());
        String m = severe.get(0).getMessage();
        assertTrue(m.contains("lease goflow/jobs/faulty") && m.contains("release")
                && m.contains("NoClassDefFoundError") && m.contains("defect in the lease provider"), m);
        assertSame(leases.release, severe.get(0).getThrown());
    }

    @Test
    void aRenewalThatThrowsSomethingElseThanALeaseExceptionIsLoggedAsADefectAndTheRunStillEndsWithItsTtl()
            throws Exception {
        Faulty leases = new Faulty(store.node("a"));
        LongRun run = startLongRun(leases);
        CountDownLatch cancelled = run.cancelled();
        ClassCastException bug = new ClassCastException("class java.lang.String cannot be cast to class java.lang.Long");
        leases.renew = bug;
        clock.advance(Duration.ofSeconds(1)); // the first renewal, a third of the ttl in
        Eventually.until(() -> !at(Level.SEVERE).isEmpty());
        String m = at(Level.SEVERE).get(0).getMessage();
        assertTrue(m.contains("lease goflow/jobs/long") && m.contains("renew") && m.contains("ClassCastException")
                && m.contains("defect in the lease provider"), m);
        assertSame(bug, at(Level.SEVERE).get(0).getThrown());
        assertEquals(1, cancelled.getCount(), "retried until the lease may have run out, as for a store error");
        clock.advance(Duration.ofMillis(2100)); // 3.1 s: the lease may be gone
        assertTrue(cancelled.await(10, TimeUnit.SECONDS), "the run went on without its lease");
        assertInstanceOf(ClassCastException.class, log.records().stream()
                .filter(r -> r.getMessage().contains("whole time to live")).findFirst().orElseThrow().getThrown());
    }

    @Test
    void aLeaseThatRanOutDuringARunIsGivenBackNotForgotten() throws Exception {
        // the store could not be reached for a whole ttl: the run is cancelled, and the lease, which
        // the store may still hold for this node (it was slow, not gone), is released once the
        // renewer ends, so another node need not wait out the ttl and the provider (goflow:redis
        // lists what it holds) does not count it held for ever
        Faulty leases = new Faulty(store.node("a"));
        LongRun run = startLongRun(leases);
        leases.renew = new LeaseException("connection refused", null);
        clock.advance(Duration.ofSeconds(1)); // the first renewal fails
        clock.advance(Duration.ofMillis(2100)); // 3.1 s: the lease may be gone
        assertTrue(run.cancelled().await(10, TimeUnit.SECONDS), "the run went on without its lease");
        Eventually.until(() -> leases.releases.get() == 1);
        run.scheduler().stop();
        assertEquals(1, leases.releases.get(), "released once, not again by stop()");
    }

    /** A leased run in progress, {@code cancelled} counted down when its context ends. */
    private record LongRun(Scheduler scheduler, CountDownLatch cancelled) {
    }

    /** Starts task "long" once, leased from {@code leases}, and returns once it runs (until cancelled). */
    private LongRun startLongRun(Faulty leases) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        Scheduler s = goflow.scheduler().name("jobs").workers(1).build();
        s.task(ctx -> {
            ctx.onDone(cancelled::countDown);
            running.countDown();
            assertTrue(cancelled.await(30, TimeUnit.SECONDS));
        }).id("long").oncePerCluster(leases, TTL).once(Duration.ZERO);
        s.start();
        assertTrue(running.await(10, TimeUnit.SECONDS));
        return new LongRun(s, cancelled);
    }

    /** A checked exception the provider throws undeclared (Kotlin, Scala, a sneaky throw). */
    private static Exception undeclared() {
        return new java.io.IOException("thrown undeclared by the provider");
    }

    @Test
    void anUndeclaredCheckedExceptionFromAcquireFailsTheRunAndFromReleaseDoesNotEscapeStop() {
        Faulty leases = new Faulty(store.node("a"));
        Exception thrown = undeclared();
        leases.acquire = thrown;
        Scheduler s = goflow.scheduler().name("jobs").workers(1).build();
        s.task(ctx -> { }).id("faulty").oncePerCluster(leases, TTL).every(Duration.ofSeconds(1));
        s.task(ctx -> { }).id("sound").oncePerCluster(store.node("a"), TTL).every(Duration.ofSeconds(1));
        s.start();
        advance(s, Duration.ofSeconds(1), 2);
        ScheduledTask faulty = s.task("faulty").orElseThrow();
        assertEquals(2, faulty.runCount(), "each run ends, none stays active: " + log.lines());
        assertEquals(RunOutcome.Status.FAILED, faulty.lastOutcome().orElseThrow().status());
        assertSame(thrown, faulty.lastOutcome().orElseThrow().error().orElseThrow());

        leases.acquire = null;
        advance(s, Duration.ofSeconds(1), 1);
        assertEquals(RunOutcome.Status.SUCCEEDED, faulty.lastOutcome().orElseThrow().status());
        assertEquals(Optional.of("a"), store.holder("goflow/jobs/faulty"));
        leases.release = thrown;
        assertDoesNotThrow(() -> s.stop());
        assertEquals(Optional.empty(), store.holder("goflow/jobs/sound"), "the other task's lease is released");
    }

    @Test
    void anUndeclaredCheckedExceptionFromARenewalCancelsTheRunAsAnErrorDoes() throws Exception {
        Faulty leases = new Faulty(store.node("a"));
        LongRun run = startLongRun(leases);
        CountDownLatch cancelled = run.cancelled();
        leases.renew = undeclared();
        clock.advance(Duration.ofSeconds(1)); // the first renewal, a third of the ttl in
        // not left running with no renewer (that thread ended) and no one to cancel it when the lease runs out
        assertTrue(cancelled.await(10, TimeUnit.SECONDS), "the run is cancelled: " + log.lines());
        Eventually.until(() -> !at(Level.SEVERE).isEmpty());
        assertTrue(at(Level.SEVERE).get(0).getMessage().contains("defect in the lease provider"),
                at(Level.SEVERE).get(0).getMessage());
        run.scheduler().stop();
    }
}
