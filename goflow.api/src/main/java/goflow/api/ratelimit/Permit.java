package goflow.api.ratelimit;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One call's permission to run, from a {@link ConcurrencyGate}, and how the call went. Record
 * exactly one outcome when the call is over: {@link #success()}, {@link #dropped()} or
 * {@link #ignore()}; each releases the permit. Only the first outcome counts: later ones, and
 * {@link #close()} after an outcome, do nothing, so a permit is never released twice.
 *
 * <pre>{@code
 * try (Permit permit = limiter.acquirePermit(ctx)) {
 *     Response r;
 *     try {
 *         r = backend.call(request);
 *     } catch (TimeoutException e) {
 *         permit.dropped();                // inside the try: close() would record ignore() first
 *         throw e;
 *     }
 *     permit.success();                    // the latency since the acquire is a sample
 *     return r;
 * }
 * }</pre>
 *
 * <p>An adaptive limiter ({@link AdaptiveLimiter}) learns from the outcomes: a success gives a
 * latency sample (measured on the limiter's clock from the acquire to the {@code success()} call),
 * a dropped call is a sign of overload and gives no latency sample, an ignored call tells nothing.
 * A fixed {@link ConcurrencyLimiter} only releases.
 *
 * <p>Thread-safe: the outcome is decided once, atomically; a permit may be completed from another
 * thread than the one that acquired it.
 */
@ProviderType
public interface Permit extends AutoCloseable {

    /** The call succeeded: releases the permit; its latency is a sample. */
    void success();

    /**
     * The call was dropped, rejected or timed out by what it called: releases the permit; for an
     * adaptive limiter a sign of overload (the limit goes down), with no latency sample.
     */
    void dropped();

    /** The call tells nothing about the load (it failed for another reason): releases the permit. */
    void ignore();

    /**
     * Releases the permit as {@link #ignore()} unless an outcome was recorded; idempotent.
     */
    @Override
    void close();
}
