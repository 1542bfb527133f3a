package goflow.impl.jmx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.management.openmbean.SimpleType;

import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.RateLimiter;

/**
 * The live-change {@link Operations} for each type of primitive: {@code setRate(double)} and
 * {@code setBurst(long)} on rate limiters, {@code setCapacity} on leaky buckets and concurrency
 * limiters, {@code setLimit(int)} on adaptive limiters, {@code setWorkers(int)} on worker pools. An invalid value fails with the primitive's
 * own message (it names the field and the rule), or with one in the same form for a capacity, limit
 * or number of workers beyond the int range (never an overflow), or for an argument of the wrong
 * type or count (a generic client may send any: a whole-number parameter takes a Byte, Short,
 * Integer or Long, never a fraction, which would be truncated). Nothing is changed then.
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
    private static final Operation SET_LIMIT = new Operation("setLimit", "set the adaptive limit now (the "
            + "algorithm goes on from it at the next window)",
            List.of(new Parameter("limit", "the new limit, from the minimum to the maximum limit", SimpleType.INTEGER)));
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
        if (primitive instanceof AdaptiveLimiter) {
            ops.add(SET_LIMIT);
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
        Number n = argument(p, op, args);
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
            case "setLimit":
                long limit = n.longValue();
                if (limit < 1 || limit > Integer.MAX_VALUE) {
                    throw new InvalidConfigException(p.kind().label() + " '" + p.name() + "'", "limit", limit,
                            "must be a whole number from 1 to " + Integer.MAX_VALUE,
                            "an adaptive limiter's limit is an int: the most permits held at once");
                }
                ((AdaptiveLimiter) p).setLimit((int) limit);
                break;
            default:
                long workers = n.longValue();
                if (workers != (int) workers) {
                    throw new InvalidConfigException(p.kind().label() + " '" + p.name() + "'", "workers", workers,
                            "must be a whole number from 1 to " + Integer.MAX_VALUE, "a pool's number of workers is an int");
                }
                ((WorkerPool) p).setWorkers((int) workers);
        }
        return null;
    }

    /**
     * Returns the one argument of an operation, checked against its parameter's open type: a generic
     * client may send anything, as the MBean server does not check the signature. A whole-number
     * parameter takes a Byte, Short, Integer or Long only (never a silently truncated fraction).
     */
    private static Number argument(Primitive p, Operation op, Object[] args) {
        Parameter param = op.parameters().get(0);
        boolean whole = !param.type().equals(SimpleType.DOUBLE);
        String rule = whole ? "must be a whole number" : "must be a number";
        String hint = op.name() + " takes one argument, " + param.name() + " (" + param.type().getTypeName() + ")";
        if (args.length != 1) {
            throw new InvalidConfigException(p.kind().label() + " '" + p.name() + "'", param.name(),
                    Arrays.asList(args), "must be one argument, got " + args.length, hint);
        }
        Object arg = args[0];
        boolean ok = whole ? arg instanceof Byte || arg instanceof Short || arg instanceof Integer || arg instanceof Long
                : arg instanceof Number;
        if (!ok) {
            throw new InvalidConfigException(p.kind().label() + " '" + p.name() + "'", param.name(), arg,
                    arg == null ? rule : rule + ", not a " + arg.getClass().getName(), hint);
        }
        return (Number) arg;
    }
}
