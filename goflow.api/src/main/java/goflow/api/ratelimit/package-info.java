/**
 * Rate and concurrency limiting: the {@link goflow.api.ratelimit.RateLimiter} family (token bucket
 * and {@link goflow.api.ratelimit.LeakyBucket leaky bucket}) with
 * {@link goflow.api.ratelimit.Reservation reservations}, the
 * {@link goflow.api.ratelimit.ConcurrencyLimiter} (a counting semaphore with live capacity and
 * optional FIFO fairness), the {@link goflow.api.ratelimit.AdaptiveLimiter} (a concurrency limit
 * found by measuring latency and drops), the {@link goflow.api.ratelimit.ConcurrencyGate} they share
 * ({@link goflow.api.ratelimit.Permit}s with outcomes) and the per-client
 * {@link goflow.api.ratelimit.KeyedRateLimiter}.
 *
 * <p>Create limiters through {@link goflow.api.GoFlow}: {@code tokenBucket()}, {@code leakyBucket()},
 * {@code concurrencyLimiter()}, {@code adaptiveLimiter()} and {@code keyedRateLimiter()} return builders. Every limiter measures
 * time on an injectable {@link goflow.api.Clock}.
 */
@Export
@Version("0.3.0")
package goflow.api.ratelimit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
