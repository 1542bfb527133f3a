package goflow.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import goflow.api.Primitive;
import goflow.api.inspect.Registry;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.RateLimiter;

/**
 * The Gogo commands of scope {@code goflow} that change live primitives: a limiter's rate, burst or
 * capacity and a pool's worker count. Each prints the figure before and after.
 *
 * <p>Numbers are taken as typed and parsed here ({@link Args}), so that a value the primitive's
 * setter cannot take (a capacity beyond {@code int}, a burst beyond {@link RateLimiter#MAX_BURST},
 * a rate that a {@code double} would turn into {@code Infinity} or {@code 0}) is refused with an
 * {@link goflow.api.InvalidConfigException} naming the command, the parameter, the value and the
 * rule, and changes nothing; a value in range that the primitive refuses fails with the
 * primitive's own message. An unknown name fails with the names that do exist. A name that
 * primitives of several bundles have is the primitive of the sort the command changes (the first
 * owner's when several are).
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
    private static final String RATE_HINT = "events per second; 0 stops admitting, Infinity admits all";
    private static final String BURST_HINT = "the most tokens the limiter admits at once";
    private static final String PERMITS_HINT =
            "a concurrency limiter's capacity is an int: the most permits in use at once";
    private static final String LEAKY_HINT = "a leaky bucket's capacity is the most requests it holds";
    private static final String WORKERS_HINT = "the number of threads running tasks";

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
     * @param eventsPerSecond the new rate, as typed
     * @return what changed
     */
    @Descriptor("change a rate limiter's rate (token bucket: tokens per second; leaky bucket: leak rate)")
    public String rate(@Descriptor("the limiter's name") String name,
            @Descriptor("the new rate in events per second, e.g. 50 or 0.5 (0 stops admitting; Infinity admits all)")
            String eventsPerSecond) {
        RateLimiter limiter = find(name, RateLimiter.class, "rate limiter");
        double rate = Args.rate("goflow:rate", "eventsPerSecond", eventsPerSecond, RATE_HINT);
        double before = limiter.rate().eventsPerSecond();
        limiter.setRate(rate);
        return changed(limiter, "rate", before, limiter.rate().eventsPerSecond());
    }

    /**
     * Prints the usage of {@code goflow:rate} for {@code --help} (see {@link Usage}).
     *
     * @param help {@code --help} or {@code -h}
     * @throws IllegalArgumentException for any other argument
     */
    @Usage.HelpOnly
    @Descriptor("print this command's usage (--help or -h)")
    public void rate(@Descriptor("--help or -h") String help) {
        Usage.helpOnly(help, ControlCommands.class, "rate");
    }

    /**
     * Changes a rate limiter's burst.
     *
     * @param name the limiter
     * @param burst the new burst, as typed
     * @return what changed
     */
    @Descriptor("change a rate limiter's burst (the most tokens it admits at once)")
    public String burst(@Descriptor("the limiter's name") String name,
            @Descriptor("the new burst, a whole number from 1 to 2^52 (4503599627370496)") String burst) {
        RateLimiter limiter = find(name, RateLimiter.class, "rate limiter");
        long value = Args.whole("goflow:burst", "burst", burst, 1, RateLimiter.MAX_BURST, BURST_HINT);
        long before = limiter.burst();
        limiter.setBurst(value);
        return changed(limiter, "burst", before, limiter.burst());
    }

    /**
     * Prints the usage of {@code goflow:burst} for {@code --help} (see {@link Usage}).
     *
     * @param help {@code --help} or {@code -h}
     * @throws IllegalArgumentException for any other argument
     */
    @Usage.HelpOnly
    @Descriptor("print this command's usage (--help or -h)")
    public void burst(@Descriptor("--help or -h") String help) {
        Usage.helpOnly(help, ControlCommands.class, "burst");
    }

    /**
     * Changes a concurrency limiter's or a leaky bucket's capacity.
     *
     * @param name the limiter
     * @param capacity the new capacity, as typed
     * @return what changed
     */
    @Descriptor("change a concurrency limiter's permits or a leaky bucket's capacity")
    public String capacity(@Descriptor("the limiter's name") String name,
            @Descriptor("the new capacity: a whole number from 1 to 2147483647 for a concurrency limiter,"
                    + " to 2^52 for a leaky bucket") String capacity) {
        // another bundle's primitive of that name (a token bucket, a pool) may be the one find(name) gives
        Primitive p = registry.find(name).filter(ControlCommands::hasCapacity)
                .or(() -> registry.find(name, ConcurrencyLimiter.class))
                .or(() -> registry.find(name, LeakyBucket.class))
                .or(() -> registry.find(name))
                .orElseThrow(() -> missing("limiter", name, ControlCommands::hasCapacity));
        if (p instanceof ConcurrencyLimiter) {
            ConcurrencyLimiter limiter = (ConcurrencyLimiter) p;
            int value = Args.wholeInt("goflow:capacity", "capacity", capacity, 1, Integer.MAX_VALUE, PERMITS_HINT);
            int before = limiter.capacity();
            limiter.setCapacity(value);
            return changed(p, "capacity", before, limiter.capacity());
        }
        if (p instanceof LeakyBucket) {
            LeakyBucket bucket = (LeakyBucket) p;
            long value = Args.whole("goflow:capacity", "capacity", capacity, 1, RateLimiter.MAX_BURST, LEAKY_HINT);
            long before = bucket.capacity();
            bucket.setCapacity(value);
            return changed(p, "capacity", before, bucket.capacity());
        }
        if (p instanceof RateLimiter) {
            throw new IllegalArgumentException(p.kind().label() + " '" + name
                    + "' has no capacity: use goflow:burst for a token bucket");
        }
        if (p instanceof AdaptiveLimiter) {
            throw new IllegalArgumentException(p.kind().label() + " '" + name
                    + "' has no capacity: its limit adapts by itself (goflow:limiters " + name + " shows how)");
        }
        throw missing("limiter", name, ControlCommands::hasCapacity); // a pool, a scheduler, ...: not a limiter
    }

    /**
     * Prints the usage of {@code goflow:capacity} for {@code --help} (see {@link Usage}).
     *
     * @param help {@code --help} or {@code -h}
     * @throws IllegalArgumentException for any other argument
     */
    @Usage.HelpOnly
    @Descriptor("print this command's usage (--help or -h)")
    public void capacity(@Descriptor("--help or -h") String help) {
        Usage.helpOnly(help, ControlCommands.class, "capacity");
    }

    /**
     * Changes a worker pool's number of workers.
     *
     * @param name the pool
     * @param workers the new number, as typed
     * @return what changed
     */
    @Descriptor("change a worker pool's number of workers (live: running tasks finish)")
    public String resize(@Descriptor("the pool's name") String name,
            @Descriptor("the new number of workers, a whole number from 1 to 2147483647") String workers) {
        WorkerPool pool = find(name, WorkerPool.class, "worker pool");
        int value = Args.wholeInt("goflow:resize", "workers", workers, 1, Integer.MAX_VALUE, WORKERS_HINT);
        int before = pool.workers();
        pool.setWorkers(value);
        return changed(pool, "workers", before, pool.workers());
    }

    /**
     * Prints the usage of {@code goflow:resize} for {@code --help} (see {@link Usage}).
     *
     * @param help {@code --help} or {@code -h}
     * @throws IllegalArgumentException for any other argument
     */
    @Usage.HelpOnly
    @Descriptor("print this command's usage (--help or -h)")
    public void resize(@Descriptor("--help or -h") String help) {
        Usage.helpOnly(help, ControlCommands.class, "resize");
    }

    private static boolean hasCapacity(Primitive p) {
        return p instanceof ConcurrencyLimiter || p instanceof LeakyBucket;
    }

    private <T extends Primitive> T find(String name, Class<T> type, String what) {
        return registry.find(name, type).orElseThrow(() -> missing(what, name, type::isInstance));
    }

    /** The error for a name that is not a live primitive of the wanted sort. */
    private IllegalArgumentException missing(String what, String name, Predicate<Primitive> wanted) {
        Optional<String> actual = registry.find(name).filter(wanted.negate()).map(p -> p.kind().label());
        List<String> known = new ArrayList<>();
        for (Primitive p : registry.primitives()) {
            if (wanted.test(p)) {
                known.add(p.name());
            }
        }
        return new IllegalArgumentException(Names.notFound(what, name, actual, known));
    }

    private static String changed(Primitive p, String field, Object before, Object after) {
        return Table.of("name", "kind", "field", "before", "after")
                .row(p.name(), p.kind().label(), field, before, after).toString();
    }
}
