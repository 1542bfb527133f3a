package goflow.api.schedule;

import java.time.Duration;

import org.osgi.annotation.versioning.ConsumerType;

import goflow.api.context.Context;

/**
 * A held claim from a {@link LeaseProvider}: exclusive until it is released or its time to live
 * runs out without a {@link #renew renewal}. A job run under a lease finds it in its context under
 * {@link #CONTEXT_KEY}, and can pass its {@link #fencingToken()} to the systems it writes to.
 *
 * <p>Implementations are thread-safe: the scheduler renews a lease from its timer while the job
 * runs on a worker.
 */
@ConsumerType
public interface Lease {

    /** Where a job run under a lease finds it: {@code ctx.value(Lease.CONTEXT_KEY)}. */
    Context.Key<Lease> CONTEXT_KEY = Context.Key.named("goflow.schedule.lease");

    /**
     * Returns the lease's name.
     *
     * @return the name given to {@link LeaseProvider#tryAcquire}
     */
    String name();

    /**
     * Returns the fencing token of this acquisition: greater than the token of every earlier
     * acquisition of the same name, by any holder.
     *
     * @return the token, positive
     */
    long fencingToken();

    /**
     * Extends the lease to {@code ttl} from now, if this holder still has it.
     *
     * @param ttl the new time to live, at least 1 ms
     * @return {@code true} if renewed; {@code false} if the lease was lost (it ran out, and maybe
     *     another holder has it now)
     * @throws LeaseException if the store cannot be reached in time (the lease may still be held
     *     until its time to live runs out)
     */
    boolean renew(Duration ttl);

    /**
     * Gives the lease up if this holder still has it, so another node can take it at once.
     * Idempotent; never throws (a store that cannot be reached lets the lease run out).
     */
    void release();
}
