package goflow.shell;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import goflow.api.Primitive;
import goflow.api.inspect.Registry;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.RateLimiter;

/**
 * The Gogo commands of scope {@code goflow} that change live primitives: a limiter's rate, burst or
 * capacity and a pool's worker count. Each prints the figure before and after; an invalid value
 * fails with the primitive's own message (it names the field and the rule).
 *
 * <p>Thread-safe: the registry is thread-safe and so are the primitives.
 */
@Component(service = ControlCommands.class, property = {
    "osgi.command.scope=goflow",
    "osgi.command.function=rate",
    "osgi.command.function=burst",
    "osgi.command.function=capacity",
    "osgi.command.function=resize"
})
public final class ControlCommands {
    private final Registry registry;

    /**
     * Creates the commands.
     *
     * @param registry the live registry of every primitive
     */
    @Activate
    public ControlCommands(@Reference Registry registry) {
        this.registry = registry;
    }

    /**
     * Changes a rate limiter's rate.
     *
     * @param name the limiter
     * @param eventsPerSecond the new rate
     * @return what changed
     */
    @Descriptor("change a rate limiter's rate (token bucket: tokens per second; leaky bucket: leak rate)")
    public String rate(@Descriptor("the limiter's name") String name,
            @Descriptor("the new rate in events per second (0 stops admitting; Infinity admits all)") double eventsPerSecond) {
        RateLimiter limiter = find(name, RateLimiter.class, "rate limiter");
        double before = limiter.rate().eventsPerSecond();
        limiter.setRate(eventsPerSecond);
        return changed(limiter, "rate", before, limiter.rate().eventsPerSecond());
    }

    /**
     * Changes a rate limiter's burst.
     *
     * @param name the limiter
     * @param burst the new burst
     * @return what changed
     */
    @Descriptor("change a rate limiter's burst (the most tokens it admits at once)")
    public String burst(@Descriptor("the limiter's name") String name,
            @Descriptor("the new burst, at least 1") long burst) {
        RateLimiter limiter = find(name, RateLimiter.class, "rate limiter");
        long before = limiter.burst();
        limiter.setBurst(burst);
        return changed(limiter, "burst", before, limiter.burst());
    }

    /**
     * Changes a concurrency limiter's or a leaky bucket's capacity.
     *
     * @param name the limiter
     * @param capacity the new capacity
     * @return what changed
     */
    @Descriptor("change a concurrency limiter's permits or a leaky bucket's capacity")
    public String capacity(@Descriptor("the limiter's name") String name,
            @Descriptor("the new capacity, at least 1") long capacity) {
        Primitive p = registry.find(name).orElseThrow(() -> missing("limiter", name));
        if (p instanceof ConcurrencyLimiter) {
            ConcurrencyLimiter limiter = (ConcurrencyLimiter) p;
            int before = limiter.capacity();
            limiter.setCapacity(Math.toIntExact(Math.min(capacity, Integer.MAX_VALUE)));
            return changed(p, "capacity", before, limiter.capacity());
        }
        if (p instanceof LeakyBucket) {
            LeakyBucket bucket = (LeakyBucket) p;
            long before = bucket.capacity();
            bucket.setCapacity(capacity);
            return changed(p, "capacity", before, bucket.capacity());
        }
        throw new IllegalArgumentException(p.kind().label() + " '" + name
                + "' has no capacity: use goflow:burst for a token bucket");
    }

    /**
     * Changes a worker pool's number of workers.
     *
     * @param name the pool
     * @param workers the new number
     * @return what changed
     */
    @Descriptor("change a worker pool's number of workers (live: running tasks finish)")
    public String resize(@Descriptor("the pool's name") String name,
            @Descriptor("the new number of workers, at least 1") int workers) {
        WorkerPool pool = find(name, WorkerPool.class, "worker pool");
        int before = pool.workers();
        pool.setWorkers(workers);
        return changed(pool, "workers", before, pool.workers());
    }

    private <T extends Primitive> T find(String name, Class<T> type, String what) {
        return registry.find(name, type).orElseThrow(() -> missing(what, name));
    }

    private static IllegalArgumentException missing(String what, String name) {
        return new IllegalArgumentException("no " + what + " named '" + name + "'");
    }

    private static String changed(Primitive p, String field, Object before, Object after) {
        return Table.of("name", "kind", "field", "before", "after")
                .row(p.name(), p.kind().label(), field, before, after).toString();
    }
}
