package goflow.api;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.inspect.Stats;

/**
 * What every named goflow primitive shares: a unique name, a kind, a statistics snapshot, and
 * {@link #close()}. Primitives created through a {@link GoFlow} appear in its
 * {@link goflow.api.inspect.Registry} until closed.
 *
 * <p>Implementations are thread-safe.
 */
@ProviderType
public interface Primitive extends AutoCloseable {

    /**
     * Returns the name given at creation, or the generated one ({@code <kind>-<n>}). Names are
     * unique among the live primitives of one {@link GoFlow}.
     *
     * @return the name, never empty
     */
    String name();

    /**
     * Returns what kind of primitive this is.
     *
     * @return the kind
     */
    Kind kind();

    /**
     * Returns a consistent snapshot of this primitive's statistics, taken without blocking the
     * primitive's users for longer than a counter read.
     *
     * @return the current statistics
     */
    Stats stats();

    /**
     * Releases the primitive: stops its threads, fails its waiters with {@link ClosedException}
     * (or, for pools and schedulers, completes accepted work first as documented there) and
     * removes it from the registry. Idempotent.
     */
    @Override
    void close();

    /** The kinds of primitive, each with the label the shell and JMX show and a family. */
    enum Kind {
        /** A token bucket rate limiter. */
        TOKEN_BUCKET("token-bucket", Family.LIMITER),
        /** A leaky bucket rate limiter. */
        LEAKY_BUCKET("leaky-bucket", Family.LIMITER),
        /** A concurrency limiter (counting semaphore). */
        CONCURRENCY_LIMITER("concurrency-limiter", Family.LIMITER),
        /** A per-key rate limiter. */
        KEYED_RATE_LIMITER("keyed-rate-limiter", Family.LIMITER),
        /** An adaptive concurrency limiter. */
        ADAPTIVE_LIMITER("adaptive-limiter", Family.LIMITER),
        /** A worker pool. */
        WORKER_POOL("worker-pool", Family.POOL),
        /** A scheduler. */
        SCHEDULER("scheduler", Family.SCHEDULER),
        /** A pipeline. */
        PIPELINE("pipeline", Family.PIPELINE),
        /** A backpressure channel. */
        CHANNEL("channel", Family.STREAMING),
        /** An asynchronous buffered writer. */
        ASYNC_WRITER("async-writer", Family.STREAMING),
        /**
         * A consumer that feeds a pipeline from an outside stream (goflow.redis.streams' consumer of a
         * Redis stream), listed through {@link goflow.api.GoFlow#register}.
         *
         * @since 0.3
         */
        STREAM_CONSUMER("stream-consumer", Family.STREAMING);

        private final String label;
        private final Family family;

        Kind(String label, Family family) {
            this.label = label;
            this.family = family;
        }

        /**
         * Returns the lower-case label, also the prefix of generated names.
         *
         * @return the label, e.g. {@code "token-bucket"}
         */
        public String label() {
            return label;
        }

        /**
         * Returns the family the shell groups this kind under.
         *
         * @return the family
         */
        public Family family() {
            return family;
        }
    }

    /** Groups of kinds, as the shell lists them. */
    enum Family {
        /** Rate and concurrency limiters. */
        LIMITER,
        /** Worker pools. */
        POOL,
        /** Schedulers. */
        SCHEDULER,
        /** Pipelines. */
        PIPELINE,
        /** Channels and writers. */
        STREAMING
    }
}
