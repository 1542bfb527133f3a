package goflow.impl.ratelimit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import goflow.api.Clock;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.ratelimit.AdaptiveAlgorithm;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.AdaptiveLimiterBuilder;
import goflow.api.ratelimit.GradientLimit;
import goflow.impl.internal.Check;
import goflow.impl.internal.PrimitiveRegistry;

/** Builds adaptive limiters. Not thread-safe (a builder belongs to one thread). */
public final class AdaptiveLimiterBuilderImpl implements AdaptiveLimiterBuilder {
    private static final String C = Primitive.Kind.ADAPTIVE_LIMITER.label();

    private final PrimitiveRegistry registry;
    private Clock clock;
    private boolean clockSet;
    private String name;
    private AdaptiveAlgorithm algorithm;
    private int initialLimit;
    private int minLimit;
    private int maxLimit;
    private Duration windowTime;
    private int windowSamples;
    private final Map<String, Double> partitions = new LinkedHashMap<>();

    /**
     * Creates a builder.
     *
     * @param registry where the limiter is registered
     * @param defaultClock the clock used unless {@link #clock} is called
     */
    public AdaptiveLimiterBuilderImpl(PrimitiveRegistry registry, Clock defaultClock) {
        this.registry = registry;
        this.clock = defaultClock;
    }

    @Override
    public AdaptiveLimiterBuilder name(String name) {
        Check.setOnce(C, "name", this.name != null, name);
        this.name = Check.name(C, name);
        return this;
    }

    @Override
    public AdaptiveLimiterBuilder algorithm(AdaptiveAlgorithm algorithm) {
        Check.setOnce(C, "algorithm", this.algorithm != null, algorithm);
        this.algorithm = Check.notNull(C, "algorithm", algorithm);
        return this;
    }

    @Override
    public AdaptiveLimiterBuilder initialLimit(int limit) {
        Check.setOnce(C, "initialLimit", initialLimit != 0, limit);
        initialLimit = (int) Check.positive(C, "initialLimit", limit, "the limit to start from");
        return this;
    }

    @Override
    public AdaptiveLimiterBuilder minLimit(int limit) {
        Check.setOnce(C, "minLimit", minLimit != 0, limit);
        minLimit = (int) Check.positive(C, "minLimit", limit, "the lowest the limit goes");
        return this;
    }

    @Override
    public AdaptiveLimiterBuilder maxLimit(int limit) {
        Check.setOnce(C, "maxLimit", maxLimit != 0, limit);
        maxLimit = (int) Check.positive(C, "maxLimit", limit, "the highest the limit goes");
        return this;
    }

    @Override
    public AdaptiveLimiterBuilder window(Duration minTime, int minSamples) {
        Check.setOnce(C, "window", windowTime != null, minTime);
        // both checked before either is kept: a refused call leaves the builder as it was
        Duration time = Check.positive(C, "window minTime", minTime, "how long a window lasts at least");
        windowSamples = (int) Check.positive(C, "window minSamples", minSamples,
                "how many successes and drops a window needs");
        windowTime = time;
        return this;
    }

    @Override
    public AdaptiveLimiterBuilder partition(String name, double share) {
        String n = Check.name(C, name);
        if (partitions.containsKey(n)) {
            throw new InvalidConfigException(C, "partition", n, "is given twice", "name each partition once");
        }
        if (!(share > 0 && share <= 1)) {
            throw new InvalidConfigException(C, "partition " + n + " share", share, "must be in (0, 1]",
                    "the share of the limit its callers may hold at once, e.g. 0.2");
        }
        partitions.put(n, share);
        return this;
    }

    @Override
    public AdaptiveLimiterBuilder clock(Clock clock) {
        Check.setOnce(C, "clock", clockSet, clock);
        this.clock = Check.notNull(C, "clock", clock);
        clockSet = true;
        return this;
    }

    @Override
    public AdaptiveLimiter build() {
        int min = minLimit == 0 ? 1 : minLimit;
        int max = maxLimit == 0 ? Math.max(1000, min) : maxLimit;
        if (max < min) {
            throw new InvalidConfigException(C, "maxLimit", max, "must not be below minLimit " + min,
                    "the limit moves between minLimit and maxLimit");
        }
        AdaptiveAlgorithm a = algorithm == null ? GradientLimit.defaults() : algorithm;
        int initial = initialLimit == 0 ? 20 : initialLimit;
        Duration window = windowTime == null ? Duration.ofSeconds(1) : windowTime;
        int samples = windowTime == null ? 10 : windowSamples;
        PrimitiveRegistry.Entry entry = registry.reserve(Primitive.Kind.ADAPTIVE_LIMITER, name);
        try {
            return entry.activate(new AdaptiveLimiterImpl(entry.name(), entry, clock, a, initial, min, max, window,
                    samples, partitions));
        } catch (RuntimeException | Error e) {
            entry.release();
            throw e;
        }
    }
}
