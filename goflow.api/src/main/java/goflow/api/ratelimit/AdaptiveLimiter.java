package goflow.api.ratelimit;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.context.Context;

/**
 * A concurrency limiter whose limit follows the backend, found by measuring instead of guessed:
 * each call takes a {@link Permit} and records how it went (success with its latency, dropped,
 * ignored); at the end of each window the {@linkplain AdaptiveAlgorithm algorithm} moves the limit
 * (by Little's law, limit ≈ throughput × latency: the limit goes down when the latency rises above
 * the no-load latency or calls are dropped, and up while it does not), between the minimum and the
 * maximum. Algorithms: {@link AimdLimit}, {@link VegasLimit}, {@link GradientLimit}.
 *
 * <pre>{@code
 * AdaptiveLimiter db = goflow.adaptiveLimiter().name("db").algorithm(GradientLimit.defaults())
 *         .minLimit(2).maxLimit(64).build();
 * try (Permit p = db.acquirePermit(ctx)) {
 *     query();
 *     p.success();
 * }
 * }</pre>
 *
 * <p>Partitions (optional): named shares of the limit ({@code partition("batch", 0.2)}) cap what
 * one class of callers holds at once ({@code max(1, floor(limit × share))}), so that batch traffic
 * cannot take the capacity of interactive traffic; calls without a partition are capped by the
 * whole limit only.
 *
 * <p>Latencies are measured on the limiter's clock, from the acquire to {@link Permit#success()};
 * a dropped or ignored call gives no latency sample, so timeouts cannot distort the latency the
 * algorithm sees. Waiting acquirers are served in FIFO order.
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface AdaptiveLimiter extends ConcurrencyGate, Primitive {

    /**
     * Takes a permit of a partition if the partition and the limit allow it now.
     *
     * @param partition a partition given to the builder
     * @return the permit, or empty when full
     * @throws InvalidConfigException if there is no such partition
     * @throws ClosedException if the limiter is closed
     */
    Optional<Permit> tryAcquirePermit(String partition);

    /**
     * Takes a permit of a partition, waiting while the partition or the limit is full.
     *
     * @param ctx bounds the wait
     * @param partition a partition given to the builder
     * @return the permit
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws goflow.api.context.CancelledException if {@code ctx} is cancelled first
     * @throws goflow.api.context.DeadlineExceededException if {@code ctx}'s deadline passes first
     * @throws InvalidConfigException if there is no such partition
     * @throws ClosedException if the limiter is closed
     */
    Permit acquirePermit(Context ctx, String partition) throws InterruptedException;

    /**
     * Returns the current limit.
     *
     * @return the most permits held at once now
     */
    int limit();

    /**
     * Sets the limit now (an operator's override, e.g. from the shell or JMX): the algorithm goes on
     * from it at the next window.
     *
     * @param limit the new limit, from the minimum to the maximum limit
     * @throws InvalidConfigException if {@code limit} is outside [minLimit, maxLimit]
     */
    void setLimit(int limit);

    /**
     * Returns the permits held now.
     *
     * @return the calls in flight
     */
    int inFlight();

    /**
     * Returns the algorithm.
     *
     * @return the algorithm and its parameters
     */
    AdaptiveAlgorithm algorithm();

    /**
     * Returns the recent windows, oldest first (at most the last 60): the limit's history, as the
     * shell and the dashboard show it.
     *
     * @return an immutable list
     */
    List<LimitChange> history();

    @Override
    AdaptiveLimiterStats stats();
}
