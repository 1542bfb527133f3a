package goflow.impl.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.InvalidConfigException;
import goflow.api.schedule.Job;
import goflow.api.schedule.Lease;
import goflow.api.schedule.LeaseProvider;
import goflow.api.schedule.RunOutcome;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.ForwardingLease;
import goflow.impl.testing.MemoryLeases;

/**
 * Once-per-cluster tasks: two or three "nodes" (schedulers of the same name in separate GoFlows on
 * one manual clock) share a {@link MemoryLeases} store.
 */
class SchedulerClusterLeaseTest extends SchedulerTestSupport {
    private static final Duration TTL = Duration.ofSeconds(3);

    private final MemoryLeases store = new MemoryLeases(clock);
    private final GoFlowImpl goflowB = new GoFlowImpl(clock, "node-b");
    private final GoFlowImpl goflowC = new GoFlowImpl(clock, "node-c");
    /** Which node ran each due time (by second since T0). */
    private final Map<Long, List<String>> ranBy = new ConcurrentHashMap<>();

    @AfterEach
    void closeNodes() {
        goflowB.close();
        goflowC.close();
    }

    private Job record(String node) {
        return ctx -> ranBy.computeIfAbsent(Duration.between(T0, clock.instant()).toSeconds(),
                k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(node);
    }

    private Scheduler node(GoFlowImpl g, String node, MemoryLeases.Node leases) {
        Scheduler s = g.scheduler().name("jobs").workers(1).oncePerCluster(leases, TTL).build();
        s.every(Duration.ofSeconds(1), record(node));
        s.start();
        return s;
    }

    private void advanceAll(int seconds, Scheduler... nodes) {
        for (int i = 0; i < seconds; i++) {
            clock.advance(Duration.ofSeconds(1));
            for (Scheduler s : nodes) {
                settle(s);
            }
        }
    }

    @Test
    void eachDueTimeRunsOnceAndTheHolderKeepsTheTask() {
        Scheduler a = node(goflow, "a", store.node("a"));
        Scheduler b = node(goflowB, "b", store.node("b"));
        Scheduler c = node(goflowC, "c", store.node("c"));
        advanceAll(10, a, b, c);

        assertEquals(10, ranBy.size(), ranBy.toString());
        ranBy.forEach((second, nodes) -> assertEquals(1, nodes.size(), "due time " + second + " ran on " + nodes));
        String holder = ranBy.get(1L).get(0);
        assertTrue(ranBy.values().stream().allMatch(n -> n.equals(List.of(holder))), "the holder keeps it: " + ranBy);
        assertEquals(1, store.acquisitions.get(), "taken once, then renewed");
        long runs = 0;
        long skipped = 0;
        for (Scheduler s : List.of(a, b, c)) {
            ScheduledTask t = s.tasks().get(0);
            runs += t.runCount();
            skipped += t.skippedCount();
            assertTrue(t.schedule().endsWith("once per cluster"), t.schedule());
        }
        assertEquals(10, runs);
        assertEquals(20, skipped, "the two other nodes skip every due time");
    }

    @Test
    void whenTheHolderDiesTheNextDueTimeAfterOneTtlRunsElsewhere() {
        MemoryLeases.Node leasesA = store.node("a");
        Scheduler a = node(goflow, "a", leasesA);
        advanceAll(2, a);
        assertEquals(Optional.of("a"), store.holder("goflow/jobs/task-1"));
        Scheduler b = node(goflowB, "b", store.node("b"));
        // a "dies": it can no longer reach the store (nor run anything that needs it)
        leasesA.unreachable = true;
        advanceAll(6, a, b);

        TreeMap<Long, List<String>> sorted = new TreeMap<>(ranBy);
        assertEquals(List.of("a"), sorted.get(2L));
        long firstOfB = sorted.entrySet().stream().filter(e -> e.getValue().contains("b")).findFirst().orElseThrow()
                .getKey();
        assertTrue(firstOfB <= 2 + TTL.toSeconds(), "b took over within one ttl of a's last renewal: " + sorted);
        sorted.forEach((second, nodes) -> assertEquals(1, nodes.size(), "due time " + second + " ran on " + nodes));
        assertTrue(a.tasks().get(0).skippedCount() >= 5, "a skips while the store is out of its reach");
    }

    @Test
    void stoppingTheHolderReleasesTheLeaseAndAnotherNodeRunsTheNextDueTime() {
        Scheduler a = node(goflow, "a", store.node("a"));
        Scheduler b = node(goflowB, "b", store.node("b"));
        advanceAll(1, a, b);
        String holder = ranBy.get(1L).get(0);
        Scheduler first = holder.equals("a") ? a : b;
        Scheduler second = holder.equals("a") ? b : a;
        String other = holder.equals("a") ? "b" : "a";
        first.stop();
        assertEquals(Optional.empty(), store.holder("goflow/jobs/task-1"));
        advanceAll(1, second);
        assertEquals(List.of(other), ranBy.get(2L));
    }

    @Test
    void aRunLongerThanTheTtlKeepsItsLeaseByRenewingAndSeesItInItsContext() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Map<String, Long> tokens = new ConcurrentHashMap<>();
        Scheduler a = goflow.scheduler().name("jobs").workers(1).build();
        a.task(ctx -> {
            tokens.put("a", ctx.value(Lease.CONTEXT_KEY).orElseThrow().fencingToken());
            running.countDown();
            assertTrue(finish.await(30, TimeUnit.SECONDS));
        }).id("long").oncePerCluster(store.node("a"), TTL).once(Duration.ZERO);
        a.start();
        assertTrue(running.await(10, TimeUnit.SECONDS));
        MemoryLeases.Node b = store.node("b");
        for (int i = 0; i < 4; i++) { // 4 x 2 s = 8 s of a run with a 3 s ttl
            clock.advance(Duration.ofSeconds(2));
            // the renewer (on its own thread) renews once per advance: wait for it before the next
            // advance, or two advances in a row would outrun the ttl on a busy machine
            Eventually.until(() -> store.expiresIn("goflow/jobs/long").compareTo(Duration.ofSeconds(2)) > 0);
            assertEquals(Optional.of("a"), store.holder("goflow/jobs/long"));
            assertEquals(Optional.empty(), b.tryAcquire("goflow/jobs/long", TTL), "still held by a");
        }
        finish.countDown();
        Eventually.until(() -> a.stats().runs() == 1);
        assertEquals(1L, tokens.get("a"));
        assertEquals(RunOutcome.Status.SUCCEEDED, a.task("long").map(t -> t.lastOutcome().orElseThrow().status())
                .orElse(RunOutcome.Status.SUCCEEDED));
    }

    @Test
    void aRunWhoseLeaseIsLostIsCancelled() throws Exception {
        MemoryLeases.Node leases = store.node("a");
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean sawCancel = new AtomicBoolean();
        Scheduler a = goflow.scheduler().name("jobs").workers(1).build();
        ScheduledTask t = a.task(ctx -> {
            running.countDown();
            while (!ctx.isDone()) {
                Thread.onSpinWait();
            }
            sawCancel.set(true);
            ctx.throwIfDone();
        }).id("lost").oncePerCluster(leases, TTL).once(Duration.ZERO);
        a.start();
        assertTrue(running.await(10, TimeUnit.SECONDS));
        leases.forget = true;
        clock.advance(Duration.ofSeconds(1)); // the first renewal, a third of the ttl in
        Eventually.until(() -> t.runCount() == 1);
        assertTrue(sawCancel.get());
        assertEquals(RunOutcome.Status.CANCELLED, t.lastOutcome().orElseThrow().status());
    }

    /** A provider on {@code leases} that counts the renewals tried and runs {@code afterClaim} after each claim. */
    private LeaseProvider counting(MemoryLeases.Node leases, AtomicInteger renewals, Runnable afterClaim) {
        return counting(leases, renewals, afterClaim, sentAt -> { });
    }

    /**
     * The same, running {@code afterRenewal} with the clock reading at which each renewal was sent,
     * after it is counted and before its answer returns.
     */
    private LeaseProvider counting(MemoryLeases.Node leases, AtomicInteger renewals, Runnable afterClaim,
            LongConsumer afterRenewal) {
        return (name, ttl) -> {
            Optional<Lease> taken = leases.tryAcquire(name, ttl);
            afterClaim.run();
            return taken.map(l -> new ForwardingLease(l) {
                @Override
                public boolean renew(Duration t) {
                    long sentAt = clock.nanoTime();
                    try {
                        return super.renew(t);
                    } finally {
                        renewals.incrementAndGet();
                        afterRenewal.accept(sentAt);
                    }
                }
            });
        };
    }

    /** Schedules a run on node a that waits until its context is cancelled; returns that signal. */
    private CountDownLatch runUntilCancelled(LeaseProvider leases, CountDownLatch running) {
        CountDownLatch cancelled = new CountDownLatch(1);
        Scheduler a = goflow.scheduler().name("jobs").workers(1).build();
        a.task(ctx -> {
            ctx.onDone(cancelled::countDown);
            running.countDown();
            assertTrue(cancelled.await(30, TimeUnit.SECONDS));
        }).id("cut-off").oncePerCluster(leases, TTL).once(Duration.ZERO);
        a.start();
        return cancelled;
    }

    @Test
    void aRunWhoseRenewalsFailIsCancelledWhenTheStoreLetsItsLeaseGoNotATickLater() throws Exception {
        MemoryLeases.Node leasesA = store.node("a");
        AtomicInteger renewals = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(1);
        // each failing renewal answers only once the clock has moved on (a slow store: the answer
        // comes after the test's next step), so the next one is due an interval after it was sent,
        // not after its answer came
        LongConsumer slowAnswer = sentAt -> {
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (clock.nanoTime() == sentAt && System.nanoTime() - giveUp < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        };
        CountDownLatch cancelled = runUntilCancelled(counting(leasesA, renewals, () -> { }, slowAnswer), running);
        assertTrue(running.await(10, TimeUnit.SECONDS));
        leasesA.unreachable = true; // a is cut off from the store; its run goes on
        for (int i = 1; i <= 2; i++) { // a renewal due every second, tried at 1.4 s and 2.8 s: both fail
            clock.advance(Duration.ofMillis(1400));
            int tried = i;
            Eventually.until(() -> renewals.get() == tried);
        }
        assertEquals(1, cancelled.getCount(), "2.8 s of a 3 s ttl: the run goes on");
        clock.advance(Duration.ofMillis(400)); // 3.2 s: the store let a's lease go at 3 s
        assertTrue(store.node("b").tryAcquire("goflow/jobs/cut-off", TTL).isPresent(), "b may run the task now");
        assertTrue(cancelled.await(10, TimeUnit.SECONDS), "a's run was not cancelled when its lease ran out");
    }

    @Test
    void theTtlOfARunsLeaseCountsFromWhenTheClaimWasSentNotWhenItsAnswerCame() throws Exception {
        MemoryLeases.Node leasesA = store.node("a");
        CountDownLatch running = new CountDownLatch(1);
        // the claim's answer comes 2 s after the store took the lease (which it lets go at 3 s), and
        // then a is cut off from the store
        CountDownLatch cancelled = runUntilCancelled(counting(leasesA, new AtomicInteger(), () -> {
            clock.advance(Duration.ofSeconds(2));
            leasesA.unreachable = true;
        }), running);
        assertTrue(running.await(10, TimeUnit.SECONDS));
        clock.advance(Duration.ofSeconds(1)); // 3 s
        assertEquals(Optional.empty(), store.holder("goflow/jobs/cut-off"));
        assertTrue(cancelled.await(10, TimeUnit.SECONDS), "a's run was not cancelled when its lease ran out");
    }

    @Test
    void aRunWhoseRenewalThrowsAnErrorIsCancelledNotLeftRunningUnrenewed() throws Exception {
        MemoryLeases.Node leasesA = store.node("a");
        LeaseProvider gone = (name, ttl) -> leasesA.tryAcquire(name, ttl).map(l -> new ForwardingLease(l) {
            @Override
            public boolean renew(Duration t) { // the provider's bundle went away during the run
                throw new NoClassDefFoundError("goflow/redis/internal/Scripts");
            }
        });
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch cancelled = runUntilCancelled(gone, running);
        assertTrue(running.await(10, TimeUnit.SECONDS));
        clock.advance(Duration.ofSeconds(1)); // the first renewal
        assertTrue(cancelled.await(10, TimeUnit.SECONDS), "the renewer died; the run went on without its lease");
    }

    @Test
    void aStoreThatCannotBeReachedSkipsRunsUntilItAnswers() {
        MemoryLeases.Node leases = store.node("a");
        leases.unreachable = true;
        Scheduler a = node(goflow, "a", leases);
        advanceAll(3, a);
        ScheduledTask t = a.tasks().get(0);
        assertEquals(0, t.runCount());
        assertEquals(3, t.skippedCount());
        leases.unreachable = false;
        advanceAll(2, a);
        assertEquals(2, t.runCount());
    }

    @Test
    void aOneShotTaskThatAnotherNodeRunsIsDoneHere() {
        Scheduler a = goflow.scheduler().name("jobs").workers(1).build();
        Scheduler b = goflowB.scheduler().name("jobs").workers(1).build();
        ScheduledTask ta = a.task(record("a")).id("report").oncePerCluster(store.node("a"), TTL)
                .at(T0.plusSeconds(5));
        ScheduledTask tb = b.task(record("b")).id("report").oncePerCluster(store.node("b"), TTL)
                .at(T0.plusSeconds(5));
        a.start();
        b.start();
        advanceAll(6, a, b);
        assertEquals(1, ranBy.get(5L).size(), ranBy.toString());
        assertEquals(ScheduledTask.State.DONE, ta.state());
        assertEquals(ScheduledTask.State.DONE, tb.state());
        assertEquals(1, ta.runCount() + tb.runCount());
        assertEquals(1, ta.skippedCount() + tb.skippedCount());
    }

    @Test
    void aStopThatBeginsWhileARunClaimsItsLeaseStartsNoJobAndLeavesNoLeaseHeld() throws Exception {
        MemoryLeases.Node leases = store.node("a");
        CountDownLatch claiming = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        LeaseProvider slowStore = new LeaseProvider() { // a round trip to the store that takes a while
            @Override
            public Optional<Lease> tryAcquire(String name, Duration ttl) {
                claiming.countDown();
                try {
                    assertTrue(answer.await(30, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                return leases.tryAcquire(name, ttl);
            }
        };
        AtomicBoolean jobStarted = new AtomicBoolean();
        Scheduler a = goflow.scheduler().name("jobs").workers(1).build();
        ScheduledTask t = a.task(ctx -> jobStarted.set(true)).id("slow-claim").oncePerCluster(slowStore, TTL)
                .once(Duration.ZERO);
        a.start();
        assertTrue(claiming.await(10, TimeUnit.SECONDS));
        Thread stopping = new Thread(a::stop, "stopping");
        stopping.start();
        Eventually.until(() -> !a.isRunning()); // stop() has begun; the claim is still under way
        answer.countDown();
        stopping.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(stopping.isAlive());
        assertFalse(jobStarted.get(), "the job started after stop() had begun");
        assertEquals(RunOutcome.Status.CANCELLED, t.lastOutcome().orElseThrow().status());
        assertEquals(Optional.empty(), store.holder("goflow/jobs/slow-claim"), "the lease claimed for no run is released");
    }

    @Test
    void badLeaseOptionsAreRejected() {
        Scheduler a = goflow.scheduler().name("jobs").workers(1).build();
        MemoryLeases.Node leases = store.node("a");
        InvalidConfigException shortTtl = assertThrows(InvalidConfigException.class,
                () -> a.task(ctx -> { }).oncePerCluster(leases, Duration.ofMillis(9)));
        assertEquals("jobs: invalid leaseTtl=PT0.009S (must be at least 10 ms) - how long a node keeps a task's "
                + "lease without renewing it; longer than the clock skew between the nodes", shortTtl.getMessage());
        assertEquals("leases", assertThrows(InvalidConfigException.class,
                () -> a.task(ctx -> { }).oncePerCluster(null, TTL)).field());
        assertEquals("leaseTtl", assertThrows(InvalidConfigException.class,
                () -> goflowB.scheduler().oncePerCluster(leases, null)).field());
        assertEquals("oncePerCluster", assertThrows(InvalidConfigException.class,
                () -> a.task(ctx -> { }).oncePerCluster(leases, TTL).oncePerCluster(leases, TTL)).field());
        assertEquals(List.of(), a.tasks());
    }

    @Test
    void aTaskIdThatMakesTheLeaseNameLongerThanTheContractAllowsIsRejectedWhenScheduled() {
        Scheduler a = goflow.scheduler().name("jobs").workers(1).build(); // lease goflow/jobs/<id>: 12 + id
        MemoryLeases.Node leases = store.node("a");
        InvalidConfigException tooLong = assertThrows(InvalidConfigException.class,
                () -> a.task(ctx -> { }).id("x".repeat(244)).oncePerCluster(leases, TTL).every(Duration.ofSeconds(1)));
        assertEquals("id", tooLong.field());
        assertTrue(tooLong.getMessage().contains("goflow/jobs/<id>"), tooLong.getMessage());
        Scheduler b = goflowB.scheduler().name("jobs").workers(1).oncePerCluster(leases, TTL).build();
        assertEquals("id", assertThrows(InvalidConfigException.class,
                () -> b.task(ctx -> { }).id("y".repeat(244)).every(Duration.ofSeconds(1))).field());
        assertEquals(List.of(), a.tasks());
        assertEquals(List.of(), b.tasks());
        ScheduledTask longest = a.task(ctx -> { }).id("z".repeat(243)).oncePerCluster(leases, TTL)
                .every(Duration.ofSeconds(1));
        assertEquals("z".repeat(243), longest.id());
        assertEquals(255, a.task(ctx -> { }).id("x".repeat(255)).every(Duration.ofSeconds(1)).id().length(),
                "a task that runs on every node takes no lease: its id may have 255 characters");
    }

    /**
     * A run whose job ends while a renewal of its lease still waits for a slow store is recorded
     * when the job ends: the renewal's answer is not waited for (up to the store's timeout, during
     * which the run would stay active, its next due times skipped as overlapping).
     */
    @Test
    void aRunIsRecordedWhenItsJobEndsNotWhenARenewalStuckInTheStoreAnswers() throws Exception {
        MemoryLeases.Node leasesA = store.node("a");
        CountDownLatch renewing = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        LeaseProvider slowRenewals = (name, ttl) -> leasesA.tryAcquire(name, ttl).map(l -> new ForwardingLease(l) {
            @Override
            public boolean renew(Duration t) { // the store takes its whole timeout to answer
                renewing.countDown();
                try {
                    answer.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.renew(t);
            }
        });
        Scheduler a = goflow.scheduler().name("jobs").workers(1).build();
        ScheduledTask t = a.task(ctx -> {
            clock.advance(Duration.ofSeconds(1)); // a renewal is due a third of the ttl in
            assertTrue(renewing.await(30, TimeUnit.SECONDS));
        }).id("stuck-renewal").oncePerCluster(slowRenewals, TTL).once(Duration.ZERO);
        a.start();
        try {
            assertTrue(renewing.await(30, TimeUnit.SECONDS));
            Eventually.await().atMost(Duration.ofSeconds(10)).until(() -> t.runCount() == 1);
            assertEquals(RunOutcome.Status.SUCCEEDED, t.lastOutcome().orElseThrow().status());
        } finally {
            answer.countDown();
        }
    }

    /**
     * stop() releases the leases of many tasks at once, not one round trip to the store after
     * another (a slow store and a few hundred tasks made a stop last minutes).
     */
    @Test
    void stopReleasesTheLeasesOfManyTasksInParallelNotOneAfterAnother() throws Exception {
        MemoryLeases.Node leasesA = store.node("a");
        CountDownLatch inFlight = new CountDownLatch(4);
        LeaseProvider slowReleases = (name, ttl) -> leasesA.tryAcquire(name, ttl).map(l -> new ForwardingLease(l) {
            @Override
            public void release() { // a slow store: answers once 4 releases are under way at once
                inFlight.countDown();
                try {
                    inFlight.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.release();
            }
        });
        Scheduler a = goflow.scheduler().name("jobs").workers(2).oncePerCluster(slowReleases, TTL).build();
        int tasks = 12;
        for (int i = 0; i < tasks; i++) {
            a.task(ctx -> { }).id("t" + i).every(Duration.ofSeconds(1));
        }
        a.start();
        clock.advance(Duration.ofSeconds(1));
        settle(a);
        for (int i = 0; i < tasks; i++) {
            assertEquals(Optional.of("a"), store.holder("goflow/jobs/t" + i));
        }
        CompletableFuture<Boolean> stopping = CompletableFuture.supplyAsync(() -> a.stop());
        assertTrue(inFlight.await(10, TimeUnit.SECONDS), "the releases were sent one after another");
        assertTrue(stopping.get(30, TimeUnit.SECONDS));
        for (int i = 0; i < tasks; i++) {
            assertEquals(Optional.empty(), store.holder("goflow/jobs/t" + i));
        }
    }

    /** A job that ignores its context and interrupts until {@code mayEnd} opens; signals {@code running}. */
    private static Job stubborn(CountDownLatch running, CountDownLatch mayEnd) {
        return ctx -> {
            running.countDown();
            boolean ended = false;
            while (!ended) {
                try {
                    ended = mayEnd.await(30, TimeUnit.SECONDS) || true;
                } catch (InterruptedException e) {
                    // ignored: the job goes on
                }
            }
        };
    }

    /**
     * A run still active when stop() gives up waiting (its job ignores its context) keeps its
     * lease, renewed, until it ends: released at once, another node would run the task while it
     * still runs here. It is given back when the run ends.
     */
    @Test
    void aRunStillActiveAfterStopKeepsItsLeaseUntilItEndsThenGivesItBack() throws Exception {
        Scheduler a = goflow.scheduler().name("jobs").workers(1).oncePerCluster(store.node("a"), TTL).build();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch mayEnd = new CountDownLatch(1);
        a.task(stubborn(running, mayEnd)).id("stubborn").every(Duration.ofSeconds(1));
        a.start();
        clock.advance(Duration.ofSeconds(1));
        assertTrue(running.await(30, TimeUnit.SECONDS));
        assertFalse(a.stop(Duration.ZERO));
        assertEquals(Optional.of("a"), store.holder("goflow/jobs/stubborn"), "released while its job still runs");
        for (int i = 0; i < 4; i++) { // longer than the ttl: renewed while the job runs
            clock.advance(Duration.ofSeconds(1));
            Eventually.until(() -> store.expiresIn("goflow/jobs/stubborn").equals(TTL));
        }
        assertFalse(store.node("b").tryAcquire("goflow/jobs/stubborn", TTL).isPresent());
        mayEnd.countDown();
        Eventually.until(() -> store.holder("goflow/jobs/stubborn").isEmpty()); // given back when the run ends
    }

    /** The same for a task cancelled while its run is active. */
    @Test
    void aTaskCancelledWhileItsRunIsActiveKeepsItsLeaseUntilTheRunEnds() throws Exception {
        Scheduler a = goflow.scheduler().name("jobs").workers(1).oncePerCluster(store.node("a"), TTL).build();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch mayEnd = new CountDownLatch(1);
        ScheduledTask t = a.task(stubborn(running, mayEnd)).id("stubborn").every(Duration.ofSeconds(1));
        a.start();
        clock.advance(Duration.ofSeconds(1));
        assertTrue(running.await(30, TimeUnit.SECONDS));
        assertTrue(t.cancel());
        assertEquals(Optional.of("a"), store.holder("goflow/jobs/stubborn"), "released while its job still runs");
        mayEnd.countDown();
        Eventually.until(() -> store.holder("goflow/jobs/stubborn").isEmpty());
        assertTrue(a.stop());
    }

    /**
     * Scheduler names may have '/', and task ids anything: scheduler "billing/eu" task "report" and
     * scheduler "billing" task "eu/report" are two tasks, with two leases, both run (sharing
     * goflow/billing/eu/report, the holder of one skipped the other at every due time).
     */
    @Test
    void aSchedulerNameWithASlashDoesNotMakeTwoTasksShareOneLease() {
        Scheduler euReport = goflow.scheduler().name("billing/eu").workers(1).oncePerCluster(store.node("a"), TTL)
                .build();
        Scheduler billing = goflow.scheduler().name("billing").workers(1).oncePerCluster(store.node("a"), TTL)
                .build();
        ScheduledTask one = euReport.task(ctx -> { }).id("report").every(Duration.ofSeconds(1));
        ScheduledTask other = billing.task(ctx -> { }).id("eu/report").every(Duration.ofSeconds(1));
        euReport.start();
        billing.start();
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            settle(euReport);
            settle(billing);
        }
        assertEquals(3, one.runCount());
        assertEquals(3, other.runCount(), "skipped " + other.skippedCount() + " times: its lease was the other's");
        assertEquals(Optional.of("a"), store.holder("goflow/billing/eu/report"));
        assertEquals(Optional.of("a"), store.holder("goflow/billing%2Feu/report"));
    }

    /**
     * A lease lost during a run whose {@code fencingToken()} throws (a defect of the provider) still
     * cancels the run: the token is only for the log line.
     */
    @Test
    void aRunWhoseLostLeaseThrowsFromFencingTokenIsStillCancelled() throws Exception {
        MemoryLeases.Node leasesA = store.node("a");
        LeaseProvider broken = (name, ttl) -> leasesA.tryAcquire(name, ttl).map(l -> new ForwardingLease(l) {
            @Override
            public long fencingToken() {
                throw new IllegalStateException("token not loaded");
            }
        });
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch cancelled = runUntilCancelled(broken, running);
        assertTrue(running.await(10, TimeUnit.SECONDS));
        leasesA.forget = true;
        clock.advance(Duration.ofSeconds(1)); // the first renewal answers "lost"
        assertTrue(cancelled.await(10, TimeUnit.SECONDS), "the run went on without its lease");
    }

    /**
     * A stop() still waiting for a run that ignores its context while the scheduler is started
     * again must not, when it ends, release the leases of the new start: the node is running and
     * holds them (it keeps its lease between runs; released under a run, the run is cancelled at
     * its next renewal and another node may take the due time).
     */
    @Test
    void aStopThatEndsAfterARestartLeavesTheLeasesOfTheNewStartHeld() throws Exception {
        Scheduler a = goflow.scheduler().name("jobs").workers(2).oncePerCluster(store.node("a"), TTL).build();
        CountDownLatch slowRunning = new CountDownLatch(1);
        CountDownLatch slowMayEnd = new CountDownLatch(1);
        a.task(ctx -> {
            slowRunning.countDown();
            slowMayEnd.await(); // ignores its context
        }).id("slow").once(Duration.ZERO);
        a.start();
        assertTrue(slowRunning.await(30, TimeUnit.SECONDS));
        CompletableFuture<Boolean> stopping = CompletableFuture.supplyAsync(() -> a.stop());
        Eventually.until(() -> !a.isRunning());
        a.start(); // started again while that stop still waits for the slow run
        ScheduledTask every = a.task(record("a")).id("every").every(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        Eventually.until(() -> every.runCount() == 1);
        assertEquals(Optional.of("a"), store.holder("goflow/jobs/every"));
        slowMayEnd.countDown();
        assertTrue(stopping.get(30, TimeUnit.SECONDS));
        assertTrue(a.isRunning());
        assertEquals(Optional.of("a"), store.holder("goflow/jobs/every"));
        assertTrue(a.stop());
        assertEquals(Optional.empty(), store.holder("goflow/jobs/every"));
    }
}
