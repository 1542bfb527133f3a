package goflow.impl.jmx;

import java.util.ArrayList;
import java.util.List;

import javax.management.openmbean.SimpleType;

import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.RateLimiter;

/**
 * The live-change {@link Operations} for each type of primitive: {@code setRate(double)} and
 * {@code setBurst(long)} on rate limiters, {@code setCapacity} on leaky buckets and concurrency
 * limiters, {@code setWorkers(int)} on worker pools. An invalid value fails with the primitive's
 * own message (it names the field and the rule), or with one in the same form for a capacity
 * beyond a concurrency limiter's int range (never an overflow).
 *
 * <p>Stateless and thread-safe.
 */
final class StandardOperations implements Operations {
    private static final Operation SET_RATE = new Operation("setRate", "change the rate (events per second)",
            List.of(new Parameter("eventsPerSecond", "the new rate", SimpleType.DOUBLE)));
    private static final Operation SET_BURST = new Operation("setBurst", "change the burst",
            List.of(new Parameter("burst", "the new burst, at least 1", SimpleType.LONG)));
    private static final Operation SET_CAPACITY = new Operation("setCapacity", "change the capacity",
            List.of(new Parameter("capacity", "the new capacity, at least 1", SimpleType.LONG)));
    private static final Operation SET_WORKERS = new Operation("setWorkers", "change the number of workers",
            List.of(new Parameter("workers", "the new number of workers, at least 1", SimpleType.INTEGER)));

    private final List<Operation> list;

    private StandardOperations(List<Operation> list) {
        this.list = List.copyOf(list);
    }

    static Operations of(Primitive primitive) {
        List<Operation> ops = new ArrayList<>();
        if (primitive instanceof RateLimiter) {
            ops.add(SET_RATE);
            ops.add(SET_BURST);
        }
        if (primitive instanceof LeakyBucket || primitive instanceof ConcurrencyLimiter) {
            ops.add(SET_CAPACITY);
        }
        if (primitive instanceof WorkerPool) {
            ops.add(SET_WORKERS);
        }
        return ops.isEmpty() ? NONE : new StandardOperations(ops);
    }

    @Override
    public List<Operation> list() {
        return list;
    }

    @Override
    public Object invoke(Primitive p, String name, Object[] args) {
        Operation op = list.stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new UnsupportedOperationException("no operation " + name + " on " + p.kind().label()));
        if (args.length != 1 || !(args[0] instanceof Number)) {
            throw new IllegalArgumentException(name + " takes one number");
        }
        Number n = (Number) args[0];
        switch (op.name()) {
            case "setRate":
                ((RateLimiter) p).setRate(n.doubleValue());
                break;
            case "setBurst":
                ((RateLimiter) p).setBurst(n.longValue());
                break;
            case "setCapacity":
                if (p instanceof ConcurrencyLimiter) {
                    long capacity = n.longValue();
                    if (capacity < 1 || capacity > Integer.MAX_VALUE) {
                        throw new InvalidConfigException(p.kind().label() + " '" + p.name() + "'", "capacity",
                                capacity, "must be a whole number from 1 to " + Integer.MAX_VALUE,
                                "a concurrency limiter's capacity is an int: the most permits in use at once");
                    }
                    ((ConcurrencyLimiter) p).setCapacity((int) capacity);
                } else {
                    ((LeakyBucket) p).setCapacity(n.longValue());
                }
                break;
            default:
                ((WorkerPool) p).setWorkers(n.intValue());
        }
        return null;
    }
}
