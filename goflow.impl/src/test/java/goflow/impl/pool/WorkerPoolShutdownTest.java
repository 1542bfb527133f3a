package goflow.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.ClosedException;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.ContextException;
import goflow.api.pool.PoolStats;
import goflow.api.pool.QueueFullPolicy;
import goflow.api.pool.RejectedException;
import goflow.api.pool.Task;
import goflow.api.pool.TaskResult;
import goflow.api.pool.TaskResult.Outcome;
import goflow.api.pool.WorkerPool;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.pool.WorkerPoolTest.Gate;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;
import goflow.impl.testing.Stress;

class WorkerPoolShutdownTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlowImpl goflow = new GoFlowImpl();

    @AfterEach
    void closeGoFlow() {
        goflow.close();
    }

    private static List<Thread> poolThreads(WorkerPool pool) {
        String prefix = "goflow-worker-pool-" + pool.name() + "-";
        List<Thread> list = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(prefix)) {
                list.add(t);
            }
        }
        return list;
    }

    @Test
    void queuedWorkCompletesOnShutdown() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger listened = new AtomicInteger();
        WorkerPool pool = goflow.workerPool().workers(2).queueCapacity(2000)
                .resultListener((t, r) -> listened.incrementAndGet()).build();
        Gate gate = new Gate();
        pool.submit(gate.task(null));
        pool.submit(gate.task(null));
        List<CompletableFuture<TaskResult<Integer>>> futures = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int n = i;
            futures.add(pool.submit(ctx -> {
                ran.incrementAndGet();
                return n;
            }));
        }
        CompletableFuture<Void> done = pool.shutdown();
        assertTrue(pool.isShutdown());
        assertFalse(pool.isTerminated());
        assertEquals(WorkerPool.State.SHUTTING_DOWN, pool.stats().state());
        gate.release.countDown();
        assertTrue(pool.awaitTermination(Duration.ofSeconds(20)));
        assertTrue(done.isDone());
        assertEquals(1000, ran.get());
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, futures.get(i).getNow(null).valueOrThrow());
        }
        PoolStats s = pool.stats();
        assertEquals(WorkerPool.State.TERMINATED, s.state());
        assertEquals(1002, s.submitted());
        assertEquals(1002, s.completed());
        assertEquals(1002, s.succeeded());
        assertEquals(1002, listened.get());
        assertEquals(0, s.queued());
        assertEquals(List.of(), poolThreads(pool));
    }

    @Test
    void shutdownIsIdempotentAndReturnsTheSameFuture() throws Exception {
        WorkerPool pool = goflow.workerPool().name("idem").workers(2).build();
        CompletableFuture<Void> first = pool.shutdown();
        CompletableFuture<Void> second = pool.shutdown();
        assertSame(first, second);
        assertSame(first, pool.termination());
        first.get(10, TimeUnit.SECONDS);
        assertSame(first, pool.shutdown());
        assertEquals(List.of(), pool.shutdownNow());
        assertEquals(List.of(), pool.shutdownNow());
        pool.close();
        pool.close();
        assertTrue(pool.isTerminated());
        RejectedException e = assertThrows(RejectedException.class, () -> pool.submit(ctx -> 1));
        assertEquals(RejectedException.Reason.SHUT_DOWN, e.reason());
        assertEquals("worker-pool 'idem' is shut down: task rejected", e.getMessage());
        assertThrows(RejectedException.class, () -> pool.execute(() -> { }));
        assertEquals(2, pool.stats().rejected());
        ClosedException c = assertThrows(ClosedException.class, () -> pool.setWorkers(3));
        assertEquals("worker-pool 'idem' is shut down: cannot set workers", c.getMessage());
        assertTrue(goflow.registry().primitives().isEmpty());
    }

    @Test
    void shutdownNowReturnsUnstartedTasksAndCancelsRunningOnes() throws Exception {
        List<TaskResult<?>> seen = new CopyOnWriteArrayList<>();
        WorkerPool pool = goflow.workerPool().workers(1).resultListener((t, r) -> seen.add(r)).build();
        CountDownLatch running = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        CompletableFuture<TaskResult<Object>> runningTask = pool.submit(ctx -> {
            running.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                ctx.throwIfDone();
            }
            return null;
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        List<Task<Integer>> queued = new ArrayList<>();
        List<CompletableFuture<TaskResult<Integer>>> futures = new ArrayList<>();
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 5; i++) {
            Task<Integer> t = ctx -> ran.incrementAndGet();
            queued.add(t);
            futures.add(pool.submit(t));
        }
        Runnable executed = () -> ran.incrementAndGet();
        pool.execute(executed);

        List<Task<?>> unstarted = pool.shutdownNow();
        assertEquals(6, unstarted.size());
        for (int i = 0; i < 5; i++) {
            assertSame(queued.get(i), unstarted.get(i));
            TaskResult<Integer> r = futures.get(i).get(10, TimeUnit.SECONDS);
            assertEquals(Outcome.CANCELLED, r.outcome());
            assertEquals(-1, r.workerId());
        }
        assertEquals(executed.toString(), unstarted.get(5).toString());
        TaskResult<Object> r = runningTask.get(10, TimeUnit.SECONDS);
        assertEquals(Outcome.CANCELLED, r.outcome());
        assertInstanceOf(CancelledException.class, r.failure());
        assertEquals(1, interrupted.get());
        assertTrue(pool.awaitTermination(Duration.ofSeconds(10)));
        assertEquals(0, ran.get());
        assertEquals(List.of(), pool.shutdownNow());
        assertSame(pool.termination(), pool.shutdown());
        PoolStats s = pool.stats();
        assertEquals(7, s.submitted());
        assertEquals(7, s.cancelled());
        assertEquals(7, s.completed());
        assertEquals(7, seen.size());
        assertEquals(List.of(), poolThreads(pool));
    }

    @Test
    void shutdownNowListsATaskTakenButNotStartedFirstInQueueOrder() throws Exception {
        // The worker takes A and stops in A's context's isDone(), before A starts: A is the
        // oldest unstarted task, so shutdownNow() lists it before B and C, still queued.
        CountDownLatch inIsDone = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Context real = Context.background();
        Context blocking = (Context) Proxy.newProxyInstance(
                Context.class.getClassLoader(), new Class<?>[] {Context.class}, (proxy, m, args) -> {
                    boolean onWorker = Thread.currentThread().getName().startsWith("goflow-worker-pool-");
                    if (m.getName().equals("isDone") && onWorker) {
                        inIsDone.countDown();
                        release.await(30, TimeUnit.SECONDS);
                    }
                    try {
                        return m.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        WorkerPool pool = goflow.workerPool().workers(1).build();
        Task<Integer> a = ctx -> 1;
        Task<Integer> b = ctx -> 2;
        Task<Integer> c = ctx -> 3;
        CompletableFuture<TaskResult<Integer>> fa = pool.submit(blocking, a);
        assertTrue(inIsDone.await(10, TimeUnit.SECONDS));
        pool.submit(b);
        pool.submit(c);
        List<Task<?>> unstarted;
        try {
            unstarted = pool.shutdownNow();
        } finally {
            release.countDown();
        }
        assertEquals(List.of(a, b, c), unstarted);
        assertEquals(Outcome.CANCELLED, fa.get(10, TimeUnit.SECONDS).outcome());
        assertTrue(pool.awaitTermination(Duration.ofSeconds(10)));
    }

    @Test
    void shutdownNowInterruptsARunningExecutedRunnable() throws Exception {
        List<TaskResult<?>> seen = new CopyOnWriteArrayList<>();
        WorkerPool pool = goflow.workerPool().workers(1).resultListener((t, r) -> seen.add(r)).build();
        CountDownLatch running = new CountDownLatch(1);
        pool.execute(() -> {
            running.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted", e);
            }
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        assertEquals(1, pool.stats().busy());
        assertEquals(List.of(), pool.shutdownNow());
        assertTrue(pool.awaitTermination(Duration.ofSeconds(10)));
        assertEquals(1, seen.size());
        assertEquals(Outcome.CANCELLED, seen.get(0).outcome());
        assertEquals(1, pool.stats().cancelled());
    }

    @Test
    void shutdownNowAfterShutdownStopsTheDrain() throws Exception {
        WorkerPool pool = goflow.workerPool().workers(1).build();
        Gate gate = new Gate();
        pool.submit(ctx -> {
            gate.started.countDown();
            ctx.sleep(Duration.ofMinutes(5));
            return null;
        });
        gate.awaitStarted();
        for (int i = 0; i < 3; i++) {
            pool.submit(ctx -> 1);
        }
        CompletableFuture<Void> done = pool.shutdown();
        assertEquals(3, pool.shutdownNow().size());
        done.get(10, TimeUnit.SECONDS);
        assertEquals(4, pool.stats().cancelled());
    }

    @Test
    @Stress
    void nothingLostUnderConcurrentSubmitAndShutdown() throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
        int iterations = 0;
        while (iterations < 300 && (iterations < 20 || System.nanoTime() - end < 0)) {
            iterations++;
            boolean now = iterations % 3 == 0;
            boolean reject = iterations % 2 == 0;
            AtomicLong ran = new AtomicLong();
            AtomicLong results = new AtomicLong();
            AtomicLong executedRan = new AtomicLong();
            AtomicLong executedAccepted = new AtomicLong();
            AtomicLong executedResults = new AtomicLong();
            AtomicLong executedCancelled = new AtomicLong();
            Runnable executed = new Runnable() {
                @Override
                public void run() {
                    executedRan.incrementAndGet();
                }

                @Override
                public String toString() {
                    return "exec";
                }
            };
            WorkerPool pool = goflow.workerPool().workers(2).queueCapacity(16)
                    .onQueueFull(reject ? QueueFullPolicy.REJECT : QueueFullPolicy.BLOCK)
                    .resultListener((t, r) -> {
                        if (t.toString().equals("exec")) {
                            executedResults.incrementAndGet();
                            if (r.outcome() == Outcome.CANCELLED) {
                                executedCancelled.incrementAndGet();
                            }
                        } else {
                            results.incrementAndGet();
                        }
                    }).build();
            int submitters = 3;
            Thread executor = new Thread(() -> {
                while (true) {
                    try {
                        pool.execute(executed);
                        executedAccepted.incrementAndGet();
                    } catch (RejectedException e) {
                        if (e.reason() == RejectedException.Reason.SHUT_DOWN) {
                            break;
                        }
                    }
                }
            });
            executor.start();
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<List<CompletableFuture<TaskResult<Long>>>>> accepted = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < submitters; s++) {
                CompletableFuture<List<CompletableFuture<TaskResult<Long>>>> mine = new CompletableFuture<>();
                accepted.add(mine);
                Thread t = new Thread(() -> {
                    List<CompletableFuture<TaskResult<Long>>> list = new ArrayList<>();
                    try {
                        start.await();
                        while (true) {
                            try {
                                list.add(pool.submit(ctx -> ran.incrementAndGet()));
                            } catch (RejectedException e) {
                                if (e.reason() == RejectedException.Reason.SHUT_DOWN) {
                                    break;
                                }
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    mine.complete(list);
                });
                threads.add(t);
                t.start();
            }
            start.countDown();
            if (ThreadLocalRandom.current().nextBoolean()) {
                Thread.yield();
            } else {
                Thread.sleep(0, ThreadLocalRandom.current().nextInt(200_000));
            }
            if (now) {
                pool.shutdownNow();
            } else {
                pool.shutdown();
            }
            assertTrue(pool.awaitTermination(Duration.ofSeconds(20)), "terminates");
            long acceptedCount = 0;
            long succeeded = 0;
            for (CompletableFuture<List<CompletableFuture<TaskResult<Long>>>> f : accepted) {
                for (CompletableFuture<TaskResult<Long>> r : f.get(20, TimeUnit.SECONDS)) {
                    acceptedCount++;
                    TaskResult<Long> result = r.getNow(null);
                    assertTrue(result != null, "every accepted task has a result at termination");
                    if (result.succeeded()) {
                        succeeded++;
                    } else {
                        assertTrue(now, "only shutdownNow cancels: " + result);
                        assertEquals(Outcome.CANCELLED, result.outcome());
                    }
                }
            }
            for (Thread t : threads) {
                t.join();
            }
            executor.join();
            assertEquals(executedAccepted.get(), executedResults.get(), "every executed runnable has a result");
            assertEquals(executedAccepted.get(), executedRan.get() + executedCancelled.get(),
                    "every executed runnable ran or was cancelled");
            if (!now) {
                assertEquals(0, executedCancelled.get());
            }
            assertEquals(succeeded, ran.get(), "every succeeded task ran exactly once");
            assertEquals(acceptedCount, results.get(), "the listener saw every accepted task");
            PoolStats s = pool.stats();
            assertEquals(acceptedCount + executedAccepted.get(), s.submitted());
            assertEquals(acceptedCount + executedAccepted.get(), s.completed());
            if (!now) {
                assertEquals(acceptedCount, ran.get(), "shutdown runs every accepted task");
            }
            assertEquals(List.of(), poolThreads(pool));
        }
    }

    @Test
    @Stress
    void cancellationRacingWithStartGivesExactlyOneResultPerTask() throws Exception {
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        AtomicLong listened = new AtomicLong();
        WorkerPool pool = goflow.workerPool().workers(3).queueCapacity(64)
                .resultListener((t, r) -> listened.incrementAndGet()).build();
        List<CompletableFuture<TaskResult<Integer>>> futures = new ArrayList<>();
        List<CancellableContext> contexts = new ArrayList<>();
        int n = 3000;
        for (int i = 0; i < n; i++) {
            int id = i;
            CancellableContext ctx = Context.background().withCancel();
            contexts.add(ctx);
            futures.add(pool.submit(ctx, c -> {
                runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                return id;
            }));
            int victim = ThreadLocalRandom.current().nextInt(futures.size());
            switch (ThreadLocalRandom.current().nextInt(4)) {
                case 0 -> futures.get(victim).cancel(true);
                case 1 -> contexts.get(victim).cancel();
                default -> { }
            }
        }
        pool.close();
        for (CancellableContext c : contexts) {
            c.close();
        }
        long cancelledFutures = 0;
        for (int i = 0; i < n; i++) {
            CompletableFuture<TaskResult<Integer>> f = futures.get(i);
            assertTrue(f.isDone(), "future " + i + " done");
            AtomicInteger ran = runs.get(i);
            assertTrue(ran == null || ran.get() == 1, "task " + i + " ran at most once");
            if (f.isCancelled()) {
                cancelledFutures++;
            } else {
                TaskResult<Integer> r = f.getNow(null);
                if (r.succeeded()) {
                    assertEquals(i, r.value());
                    assertTrue(ran != null, "a succeeded task ran");
                } else {
                    assertEquals(Outcome.CANCELLED, r.outcome());
                    assertTrue(ran == null, "a cancelled task that returned a value is a success");
                }
            }
        }
        assertEquals(n, listened.get(), "one result per task, cancelled or not");
        PoolStats s = pool.stats();
        assertEquals(n, s.submitted());
        assertEquals(n, s.completed());
        assertEquals(runs.size(), s.succeeded());
        assertTrue(cancelledFutures > 0);
    }

    @Test
    @Stress
    void blockedSubmittersWithCancelledContextsLoseNoWakeup() throws Exception {
        WorkerPool pool = goflow.workerPool().workers(1).queueCapacity(2).build();
        AtomicLong ran = new AtomicLong();
        int submitters = 6;
        int perSubmitter = 150;
        List<Thread> threads = new ArrayList<>();
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        for (int s = 0; s < submitters; s++) {
            boolean cancelling = s % 2 == 0;
            Thread t = new Thread(() -> {
                for (int i = 0; i < perSubmitter; i++) {
                    // half the submitters give up after a random short while (their task may then
                    // also be cancelled in the queue), the other half wait as long as it takes
                    try (CancellableContext ctx = cancelling
                            ? Context.background().withTimeout(
                                    Duration.ofNanos(ThreadLocalRandom.current().nextInt(300_000)))
                            : Context.background().withCancel()) {
                        pool.submit(cancelling ? ctx : Context.background(), c -> {
                            Thread.onSpinWait();
                            return ran.incrementAndGet();
                        });
                        accepted.incrementAndGet();
                    } catch (ContextException e) {
                        refused.incrementAndGet();
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(20_000);
            assertFalse(t.isAlive(), "a blocked submitter was never woken");
        }
        assertEquals(submitters * perSubmitter, accepted.get() + refused.get());
        pool.close();
        assertEquals(accepted.get(), pool.stats().completed());
    }

    @Test
    void blockedSubmitterIsReleasedByShutdown() throws Exception {
        WorkerPool pool = goflow.workerPool().workers(1).queueCapacity(1).build();
        Gate gate = new Gate();
        pool.submit(gate.task(null));
        gate.awaitStarted();
        pool.submit(ctx -> 1);
        CompletableFuture<Object> blocked = CompletableFuture.supplyAsync(() -> pool.submit(ctx -> 2));
        Eventually.until(() -> threadBlockedIn(blocked));
        pool.shutdown();
        Throwable e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> blocked.get(10, TimeUnit.SECONDS)).getCause();
        assertInstanceOf(RejectedException.class, e);
        assertEquals(RejectedException.Reason.SHUT_DOWN, ((RejectedException) e).reason());
        gate.release.countDown();
        assertTrue(pool.awaitTermination(Duration.ofSeconds(10)));
        assertEquals(2, pool.stats().completed());
    }

    /** Whether some common-pool thread is parked in the pool's enqueue (the async submit is blocked). */
    private static boolean threadBlockedIn(CompletableFuture<?> f) {
        if (f.isDone()) {
            return true;
        }
        for (var e : Thread.getAllStackTraces().entrySet()) {
            for (StackTraceElement frame : e.getValue()) {
                if (frame.getMethodName().equals("enqueue") && frame.getClassName().endsWith("WorkerPoolImpl")
                        && e.getKey().getState() == Thread.State.WAITING) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void awaitTerminationTimesOutOnThePoolClock() throws Exception {
        ManualClock clock = new ManualClock();
        WorkerPool pool = goflow.workerPool().workers(1).clock(clock).build();
        Gate gate = new Gate();
        pool.submit(gate.task(null));
        gate.awaitStarted();
        pool.shutdown();
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return pool.awaitTermination(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Eventually.until(() -> clock.parkedThreads() == 1);
        clock.advance(Duration.ofSeconds(29));
        assertFalse(waiting.isDone());
        clock.advance(Duration.ofSeconds(1));
        assertFalse(waiting.get(10, TimeUnit.SECONDS));
        gate.release.countDown();
        assertTrue(pool.awaitTermination(Duration.ZERO.plusDays(1)));
        assertTrue(pool.awaitTermination(Duration.ZERO));
    }

    @Test
    void closeFromInsideATaskDoesNotDeadlock() throws Exception {
        WorkerPool pool = goflow.workerPool().workers(2).build();
        CompletableFuture<TaskResult<Object>> f = pool.submit(ctx -> {
            pool.close();
            return "closed";
        });
        assertEquals("closed", f.get(10, TimeUnit.SECONDS).valueOrThrow());
        assertTrue(pool.awaitTermination(Duration.ofSeconds(10)));
    }

    @Test
    void closeFromTheListenerOfATaskCancelledWhileQueuedDoesNotDeadlock() throws Exception {
        // The listener closes the pool when it hears of a cancelled task: on the thread that
        // cancelled it, while the pool delivers that result.
        java.util.concurrent.atomic.AtomicReference<WorkerPool> self = new java.util.concurrent.atomic.AtomicReference<>();
        WorkerPool pool = goflow.workerPool().name("close-from-cancel").workers(1).resultListener((task, result) -> {
            if (result.outcome() == Outcome.CANCELLED) {
                self.get().close();
            }
        }).build();
        self.set(pool);
        Gate gate = new Gate();
        pool.submit(gate.task(null));
        gate.awaitStarted();
        CancellableContext ctx = Context.background().withCancel();
        CompletableFuture<TaskResult<Object>> queued = pool.submit(ctx, c -> "never");
        Thread canceller = new Thread(ctx::cancel, "canceller");
        canceller.start();
        try {
            Eventually.until(pool::isShutdown);
        } finally {
            gate.release.countDown();
        }
        canceller.join(10_000);
        boolean stuck = canceller.isAlive();
        if (stuck) {
            canceller.interrupt(); // close() escalates to shutdownNow, which cannot end this wait either
        }
        assertFalse(stuck, "close() from the listener of a task cancelled while queued waits forever: " + pool.stats());
        assertEquals(Outcome.CANCELLED, queued.get(10, TimeUnit.SECONDS).outcome());
        assertTrue(pool.awaitTermination(Duration.ofSeconds(10)), "terminated: " + pool.stats());
    }

    @Test
    void interruptedCloseEscalatesToShutdownNow() throws Exception {
        WorkerPool pool = goflow.workerPool().workers(1).build();
        Gate gate = new Gate();
        CompletableFuture<TaskResult<Object>> f = pool.submit(ctx -> {
            gate.started.countDown();
            ctx.sleep(Duration.ofMinutes(5));
            return null;
        });
        gate.awaitStarted();
        AtomicInteger flagAfterClose = new AtomicInteger(-1);
        Thread closer = new Thread(() -> {
            pool.close();
            flagAfterClose.set(Thread.currentThread().isInterrupted() ? 1 : 0);
        });
        closer.start();
        Eventually.until(() -> closer.getState() == Thread.State.WAITING);
        closer.interrupt();
        closer.join(10_000);
        assertEquals(1, flagAfterClose.get());
        assertEquals(Outcome.CANCELLED, f.get(10, TimeUnit.SECONDS).outcome());
        assertTrue(pool.isTerminated());
        assertEquals(List.of(), poolThreads(pool));
    }

    @Test
    void closingGoFlowClosesItsPools() throws Exception {
        GoFlowImpl other = new GoFlowImpl();
        WorkerPool pool = other.workerPool().workers(2).build();
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 50; i++) {
            pool.submit(ctx -> ran.incrementAndGet());
        }
        other.close();
        assertTrue(pool.isTerminated());
        assertEquals(50, ran.get());
        assertEquals(List.of(), poolThreads(pool));
    }
}
