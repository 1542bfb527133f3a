package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.Registration;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.context.ContextException;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/** Edge cases of the in-JVM limiters found in review: faults from the context a waiter registers with. */
class LimiterEdgeReviewTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");
    private final Context background = Context.background(clock);

    @AfterEach
    void closeAll() {
        goflow.close();
    }

    /** The Error a context's onDone throws (as allocation failing under memory pressure would). */
    private static final class OnDoneError extends Error {
        private static final long serialVersionUID = 1L;

        OnDoneError() {
            super("onDone failed");
        }
    }

    /** A context that is never done and whose {@link #onDone} throws an Error. */
    private static final class FailingOnDone implements Context {
        private final Context delegate;

        FailingOnDone(Context delegate) {
            this.delegate = delegate;
        }

        @Override
        public CancellableContext withCancel() {
            return delegate.withCancel();
        }

        @Override
        public CancellableContext withTimeout(Duration timeout) {
            return delegate.withTimeout(timeout);
        }

        @Override
        public CancellableContext withDeadline(Instant deadline) {
            return delegate.withDeadline(deadline);
        }

        @Override
        public <T> Context withValue(Key<T> key, T value) {
            return delegate.withValue(key, value);
        }

        @Override
        public <T> Optional<T> value(Key<T> key) {
            return delegate.value(key);
        }

        @Override
        public boolean isDone() {
            return delegate.isDone();
        }

        @Override
        public Optional<ContextException> error() {
            return delegate.error();
        }

        @Override
        public Optional<Throwable> cause() {
            return delegate.cause();
        }

        @Override
        public Optional<Instant> deadline() {
            return delegate.deadline();
        }

        @Override
        public long remainingNanos() {
            return delegate.remainingNanos();
        }

        @Override
        public Clock clock() {
            return delegate.clock();
        }

        @Override
        public Registration onDone(Runnable callback) {
            throw new OnDoneError();
        }

        @Override
        public void throwIfDone() {
            delegate.throwIfDone();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            delegate.sleep(duration);
        }
    }

    /** A context that is never done, whose {@link #isDone} runs {@code first} and then throws an Error. */
    private static final class FailingIsDone implements Context {
        private final Context delegate;
        private final Runnable first;

        FailingIsDone(Context delegate, Runnable first) {
            this.delegate = delegate;
            this.first = first;
        }

        @Override
        public CancellableContext withCancel() {
            return delegate.withCancel();
        }

        @Override
        public CancellableContext withTimeout(Duration timeout) {
            return delegate.withTimeout(timeout);
        }

        @Override
        public CancellableContext withDeadline(Instant deadline) {
            return delegate.withDeadline(deadline);
        }

        @Override
        public <T> Context withValue(Key<T> key, T value) {
            return delegate.withValue(key, value);
        }

        @Override
        public <T> Optional<T> value(Key<T> key) {
            return delegate.value(key);
        }

        @Override
        public boolean isDone() {
            first.run();
            throw new OnDoneError();
        }

        @Override
        public Optional<ContextException> error() {
            return delegate.error();
        }

        @Override
        public Optional<Throwable> cause() {
            return delegate.cause();
        }

        @Override
        public Optional<Instant> deadline() {
            return delegate.deadline();
        }

        @Override
        public long remainingNanos() {
            return delegate.remainingNanos();
        }

        @Override
        public Clock clock() {
            return delegate.clock();
        }

        @Override
        public Registration onDone(Runnable callback) {
            return delegate.onDone(callback);
        }

        @Override
        public void throwIfDone() {
            delegate.throwIfDone();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            delegate.sleep(duration);
        }
    }

    @Test
    void concurrencyLimiterWaiterGrantedJustBeforeAnErrorGivesThePermitsBack() {
        ConcurrencyLimiter l = goflow.concurrencyLimiter().name("db").capacity(2).build();
        assertTrue(l.tryAcquire(2));
        // the release grants the queued call its 2 permits just before its context throws
        assertThrows(OnDoneError.class, () -> l.acquire(new FailingIsDone(background, () -> l.release(2)), 2));
        assertEquals(0, l.waiting());
        assertEquals(0, l.inUse(), "the call threw holding the permits it was granted");
        assertTrue(l.tryAcquire(2));
    }

    @Test
    void concurrencyLimiterWaiterWhoseOnDoneThrowsAnErrorLeavesNoPermitBehind() {
        ConcurrencyLimiter l = goflow.concurrencyLimiter().name("db").capacity(1).build();
        assertTrue(l.tryAcquire());
        // the call queues, then registering with its context throws: it throws holding nothing
        assertThrows(OnDoneError.class, () -> l.acquire(new FailingOnDone(background)));
        assertEquals(0, l.waiting(), "the failed call left its waiter queued");
        l.release();
        assertEquals(0, l.inUse(), "the release granted the permit to a call that had already thrown");
        assertEquals(1, l.available());
        assertTrue(l.tryAcquire());
        assertEquals(1, l.stats().cancelled());
    }

    @Test
    void tokenBucketAwaitWhoseOnDoneThrowsAnErrorGivesItsReservationBack() {
        RateLimiter l = goflow.tokenBucket().name("api").rate(1).burst(1).clock(clock).build();
        assertTrue(l.allow());
        // the call reserves into debt, then registering with its context throws: it is cut short,
        // so its reservation is cancelled as for any other end of the wait
        assertThrows(OnDoneError.class, () -> l.await(new FailingOnDone(background)));
        assertEquals(0.0, l.tokens(), "the failed await kept its token");
        assertTrue(((AbstractBucketLimiter) l).shared.waiters.isEmpty(), "the failed await left its thread");
        assertEquals(1, l.stats().cancelled());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(l.allow());
    }

    @Test
    void keyedAwaitWhoseOnDoneThrowsAnErrorGivesItsReservationBack() {
        KeyedRateLimiter<String> l = goflow.keyedRateLimiter().name("per-client").rate(1).burst(1)
                .clock(clock).build();
        assertTrue(l.allow("a"));
        assertThrows(OnDoneError.class, () -> l.await(new FailingOnDone(background), "a"));
        assertEquals(0.0, l.tokens("a"), "the failed await kept its token");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(l.allow("a"));
    }

    /**
     * RateLimiter's javadoc: exact to the nanosecond while a whole refill takes under 2^53 ns. At rates
     * under one token a second, a billionth of a token is more than a nanosecond: 1 ms at 1e-6/s.
     */
    @Test
    void aSlowRateIsExactToTheNanosecondToo() {
        for (double rate : new double[] {1e-6, 0.01, 0.3}) {
            long interval = (long) Math.ceil(1e9 / rate);
            RateLimiter l = goflow.tokenBucket().rate(rate).burst(1).build();
            assertTrue(l.allow());
            clock.advance(Duration.ofNanos(interval - 2));
            assertFalse(l.allow(), rate + "/s: a token 2 ns early, " + l.tokens());
            clock.advance(Duration.ofNanos(2));
            assertTrue(l.allow(), rate + "/s: the token on time, " + l.tokens());
            l.close();
        }
    }

    /** As BucketPrecisionTest's refill just under 2^53 ns, at a slow rate: 9000 tokens at 0.001/s. */
    @Test
    void aSlowRefillJustUnder2To53NanosecondsIsExactToTheNanosecond() {
        long interval = 1_000_000_000_000L;
        RateLimiter l = goflow.tokenBucket().rate(0.001).burst(9000).build();
        clock.advance(Duration.ofMillis(900));
        assertTrue(l.allow(9000));
        for (int k = 1; k <= 3; k++) {
            clock.advance(Duration.ofNanos(interval - 2));
            assertFalse(l.allow(1), "token " + k + " 2 ns early, " + l.tokens());
            clock.advance(Duration.ofNanos(2));
            assertTrue(l.allow(1), "token " + k + " on time, " + l.tokens());
        }
    }

    /**
     * BucketPrecisionTest's long run at rates under one token a second: over many rebases the tokens
     * taken are exactly floor(rate x time), and the next token comes neither a nanosecond early nor late.
     */
    @Test
    void aLongRunAtSlowRatesTakesExactlyRateTimesTime() {
        Random random = new Random(11);
        BigDecimal perSecond = BigDecimal.valueOf(1_000_000_000L);
        for (double rate : new double[] {0.7, 0.3, 1e-3, 7.3e-6}) {
            long start = clock.nanoTime();
            long burst = 7;
            RateLimiter l = goflow.tokenBucket().rate(rate).burst(burst).build();
            assertTrue(l.allow(burst));
            BigDecimal exactRate = new BigDecimal(rate);
            long taken = 0;
            for (int step = 0; step < 200; step++) {
                long due = BigDecimal.valueOf(clock.nanoTime() - start).multiply(exactRate)
                        .divide(perSecond, 0, RoundingMode.FLOOR).longValueExact();
                assertEquals(0, due - taken, "the bucket is drained at every step");
                BigDecimal exactDue = BigDecimal.valueOf(taken + 1).multiply(perSecond)
                        .divide(exactRate, 30, RoundingMode.CEILING);
                long next = start + exactDue.setScale(0, RoundingMode.CEILING).longValueExact();
                // a token due within a nanosecond counts as due: check from 2 ns before it
                long early = start + exactDue.setScale(0, RoundingMode.FLOOR).longValueExact() - 2 - random.nextInt(3);
                clock.advance(Duration.ofNanos(early - clock.nanoTime()));
                String where = rate + "/s, token " + (taken + 1) + " due at " + exactDue + " ns";
                assertFalse(l.allow(1), where + ": at " + (early - start) + ", " + l.tokens());
                clock.advance(Duration.ofNanos(next - clock.nanoTime()));
                assertTrue(l.allow(1), where + ": on time, " + l.tokens());
                taken++;
            }
            l.close();
        }
    }
}
