package goflow.impl.ratelimit;

import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.ConcurrencyLimiterBuilder;
import goflow.impl.internal.Check;
import goflow.impl.internal.PrimitiveRegistry;

/** Builds concurrency limiters. Not thread-safe (a builder belongs to one thread). */
public final class ConcurrencyLimiterBuilderImpl implements ConcurrencyLimiterBuilder {
    private static final String C = Primitive.Kind.CONCURRENCY_LIMITER.label();

    private final PrimitiveRegistry registry;
    private String name;
    private int capacity;
    private int inUse = -1;
    private Boolean fair;

    /**
     * Creates a builder.
     *
     * @param registry where the limiter is registered
     */
    public ConcurrencyLimiterBuilderImpl(PrimitiveRegistry registry) {
        this.registry = registry;
    }

    @Override
    public ConcurrencyLimiterBuilder name(String name) {
        Check.setOnce(C, "name", this.name != null, name);
        this.name = Check.name(C, name);
        return this;
    }

    @Override
    public ConcurrencyLimiterBuilder capacity(int capacity) {
        Check.setOnce(C, "capacity", this.capacity != 0, capacity);
        this.capacity = (int) Check.positive(C, "capacity", capacity, "capacity is the most permits in use at once");
        return this;
    }

    @Override
    public ConcurrencyLimiterBuilder initialInUse(int inUse) {
        Check.setOnce(C, "initialInUse", this.inUse >= 0, inUse);
        this.inUse = (int) Check.notNegative(C, "initialInUse", inUse, "permits held at creation");
        return this;
    }

    @Override
    public ConcurrencyLimiterBuilder fair(boolean fair) {
        Check.setOnce(C, "fair", this.fair != null, fair);
        this.fair = fair;
        return this;
    }

    @Override
    public ConcurrencyLimiter build() {
        if (capacity == 0) {
            throw new InvalidConfigException(C, "capacity", null, "is required", "call capacity(n) with n >= 1");
        }
        if (inUse > capacity) {
            throw new InvalidConfigException(C, "initialInUse", inUse, "must not exceed the capacity " + capacity,
                    "permits held at creation");
        }
        PrimitiveRegistry.Entry entry = registry.reserve(Primitive.Kind.CONCURRENCY_LIMITER, name);
        try {
            return entry.activate(new ConcurrencyLimiterImpl(entry.name(), capacity, Math.max(0, inUse),
                    Boolean.TRUE.equals(fair), entry));
        } catch (RuntimeException | Error e) {
            entry.release();
            throw e;
        }
    }
}
