package goflow.impl.ratelimit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import goflow.api.InvalidConfigException;
import goflow.api.Registration;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.ratelimit.BurstExceededException;
import goflow.api.ratelimit.ZeroRateException;

/**
 * The blocking {@code await} of every bucket limiter: reserve at once (failing fast when the
 * reservation cannot succeed in time), then park on the limiter's clock until the time to act, the
 * end of the context, an interrupt or close. Stateless.
 */
final class BucketWait {
    private BucketWait() {
    }

    static void await(BucketCore core, LimiterState shared, Context ctx, long n) throws InterruptedException {
        if (ctx == null) {
            throw new InvalidConfigException(shared.component, "ctx", null, "must not be null",
                    "pass Context.background() to wait without a deadline");
        }
        shared.checkN(n);
        shared.ensureOpen("await");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        ctx.throwIfDone();
        if (n == 0) {
            return;
        }
        if (core.tryTake(n)) {
            // the tokens are there now, so nobody is in debt ahead of this call: the allow() path, with
            // no reservation to allocate and no second clock read (goflow.bench ReservationBench.await)
            shared.allowed.increment();
            return;
        }
        long maxWait = ctx.remainingNanos();
        BucketCore.Grant g = core.reserve(n, maxWait);
        switch (g.outcome) {
            case BURST:
                shared.denied.increment();
                throw new BurstExceededException(shared.component, n, (long) g.tokens);
            case ZERO_RATE:
                shared.denied.increment();
                throw new ZeroRateException(shared.component, n, g.tokens);
            case TOO_LATE:
                shared.denied.increment();
                if (maxWait == Long.MAX_VALUE) {
                    // no deadline, yet too late: the wait exceeds Long.MAX_VALUE ns (292 years) at a rate
                    // so small it is zero in effect, as one whose interval overflows a double (ZERO mode)
                    throw new ZeroRateException(shared.component, n, core.tokens());
                }
                throw new DeadlineExceededException(shared.component + ": await(n=" + n + ") would have to wait "
                        + Duration.ofNanos(g.time) + ", beyond the context deadline (in "
                        + Duration.ofNanos(Math.max(0, ctx.remainingNanos())) + ")");
            default:
                break;
        }
        if (g.time - core.clock().nanoTime() <= 0) {
            shared.allowed.increment();
            return;
        }
        shared.waited.increment();
        park(core, shared, ctx, g);
        shared.allowed.increment();
    }

    private static void park(BucketCore core, LimiterState shared, Context ctx, BucketCore.Grant g)
            throws InterruptedException {
        Thread me = Thread.currentThread();
        shared.waiters.add(me);
        Registration onDone = null;
        boolean refunded = false;
        try {
            onDone = ctx.onDone(() -> LockSupport.unpark(me));
            while (true) {
                long left = g.time - core.clock().nanoTime();
                if (left <= 0) {
                    return; // the time came first: the tokens are ours even if ctx ends now
                }
                boolean interrupted = Thread.interrupted();
                if (interrupted || shared.closed || ctx.isDone()) {
                    shared.cancelled.increment();
                    refunded = true;
                    core.refund(g);
                    if (interrupted) {
                        throw new InterruptedException();
                    }
                    shared.ensureOpen("await");
                    throw ctx.error().orElseThrow().rethrowable();
                }
                core.clock().parkNanos(core, left);
            }
        } catch (RuntimeException | Error e) {
            if (!refunded) {
                // cut short by a throw of its own (an Error from registering with ctx, say): cancelled too
                shared.cancelled.increment();
                core.refund(g);
            }
            throw e;
        } finally {
            if (onDone != null) {
                onDone.close();
            }
            shared.waiters.remove(me);
        }
    }
}
