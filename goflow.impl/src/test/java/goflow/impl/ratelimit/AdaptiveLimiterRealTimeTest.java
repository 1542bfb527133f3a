package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.context.Context;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.GradientLimit;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/**
 * The adaptive limiter with real threads on the system clock, as a service uses it: the gate of a
 * worker pool's tasks in front of a backend that serves 4 calls at once. The simulations
 * ({@link AdaptiveSimulationTest}) pin the figures; this test shows the same behaviour survives
 * real scheduling, timer noise and contention on the limiter's lock. Nothing here asserts a time:
 * it polls, with generous timeouts, for the limit to reach where the backend's capacity puts it.
 */
class AdaptiveLimiterRealTimeTest extends NoThreadLeaks.LeakCheckedTest {
    private static final int CALLERS = 16;

    /** A backend with a number of slots; each call holds one for 5 ms, the rest queue. */
    private static final class Backend {
        private final Semaphore slots = new Semaphore(4, true);
        private final AtomicInteger inside = new AtomicInteger();
        private final AtomicInteger mostInside = new AtomicInteger();

        void call() throws InterruptedException {
            slots.acquire();
            try {
                mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            } finally {
                inside.decrementAndGet();
                slots.release();
            }
        }

        void addSlots(int n) {
            slots.release(n);
        }
    }

    @Test
    void theLimitFollowsTheBackendsCapacityDownAndUpWithRealThreads() throws Exception {
        Backend backend = new Backend();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong calls = new AtomicLong();
        AtomicInteger gateFailures = new AtomicInteger();
        try (GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "real-time")) {
            AdaptiveLimiter gate = goflow.adaptiveLimiter().name("backend").algorithm(GradientLimit.defaults())
                    .initialLimit(64).minLimit(1).maxLimit(200).window(Duration.ofMillis(50), 5).build();
            WorkerPool callers = goflow.workerPool().name("callers").workers(CALLERS).queueCapacity(CALLERS).build();
            for (int i = 0; i < CALLERS; i++) {
                callers.execute(() -> {
                    while (running.get()) {
                        try {
                            gate.call(Context.background(), c -> {
                                backend.call();
                                return null;
                            });
                            calls.incrementAndGet();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        } catch (Exception e) {
                            gateFailures.incrementAndGet();
                        }
                    }
                });
            }
            try {
                // 16 callers on 4 slots: latency ~4x the no-load latency, so the limit comes down from 64
                Eventually.until(() -> gate.limit() <= 12 && gate.stats().windows() > 5);
                List<Integer> settled = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    long windows = gate.stats().windows();
                    Eventually.until(() -> gate.stats().windows() > windows);
                    settled.add(gate.limit());
                }
                assertTrue(settled.stream().allMatch(l -> l >= 1 && l <= 24),
                        "the limit stays near the backend's 4 slots: " + settled + ", " + gate.history());

                // the backend gets 28 more slots: nothing queues any more and the limit grows past the callers' need
                backend.addSlots(28);
                Eventually.until(() -> gate.limit() >= CALLERS);
            } finally {
                running.set(false);
                callers.close();
            }
            assertEquals(0, gateFailures.get(), "no call failed at the gate");
            assertEquals(0, gate.inFlight(), "every permit was given back");
            assertTrue(calls.get() > 100, "calls made: " + calls.get());
        }
    }
}
