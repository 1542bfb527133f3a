package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.context.Context;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.AimdLimit;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.Permit;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/**
 * "A closed limiter's waiters fail with ClosedException": also when a permit is released right
 * after close(), before the woken waiter has run. The release used to grant the permit to that
 * waiter, whose acquire then returned normally from a closed limiter (nearly every round here).
 */
@Timeout(120)
class ClosedLimiterWaitersTest extends NoThreadLeaks.LeakCheckedTest {
    private static final int ROUNDS = 20;
    private final GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "test");

    @AfterEach
    void closeAll() {
        goflow.close();
    }

    /** Runs {@code acquire} on its own thread; completes with null when it returned, or its failure. */
    private static CompletableFuture<Throwable> waiter(ThrowingRunnable acquire) {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                acquire.run();
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        }, "closed-limiter-waiter");
        t.start();
        return outcome;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void assertClosed(CompletableFuture<Throwable> outcome, int round) throws Exception {
        Throwable e = outcome.get(60, TimeUnit.SECONDS);
        assertInstanceOf(ClosedException.class, e, "round " + round + ": the waiter got " + e);
    }

    private static void awaitWaiting(IntSupplier waiting) {
        Eventually.until(() -> waiting.getAsInt() == 1);
    }

    @Test
    void aConcurrencyLimitersReleaseAfterCloseGrantsNoWaiter() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            ConcurrencyLimiter l = goflow.concurrencyLimiter().name("c-" + round).capacity(1).build();
            l.acquire(Context.background());
            CompletableFuture<Throwable> outcome = waiter(() -> l.acquire(Context.background()));
            awaitWaiting(() -> l.stats().waiting());
            l.close();
            l.release();
            assertClosed(outcome, round);
            assertEquals(0, l.stats().inUse(), "round " + round);
        }
    }

    @Test
    void anAdaptiveLimitersReleaseAfterCloseGrantsNoWaiter() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            AdaptiveLimiter l = goflow.adaptiveLimiter().name("a-" + round).algorithm(AimdLimit.defaults())
                    .initialLimit(1).minLimit(1).maxLimit(1).window(Duration.ofSeconds(10), 1).build();
            Permit held = l.acquirePermit(Context.background());
            CompletableFuture<Throwable> outcome = waiter(() -> l.acquirePermit(Context.background()).close());
            awaitWaiting(() -> l.stats().waiting());
            l.close();
            held.close();
            assertClosed(outcome, round);
            assertEquals(0, l.stats().inFlight(), "round " + round);
            assertEquals(1, l.stats().acquired(), "round " + round + ": only the first permit was handed out");
        }
    }
}
