package goflow.impl;

import java.time.ZoneId;
import java.util.Objects;

import goflow.api.Clock;
import goflow.api.GoFlow;
import goflow.api.Primitive;
import goflow.api.Registration;
import goflow.api.channel.ChannelBuilder;
import goflow.api.channel.Channels;
import goflow.api.io.AsyncWriterBuilder;
import goflow.api.pipeline.PipelineStart;
import goflow.api.pipeline.StageRegistry;
import goflow.api.pool.WorkerPoolBuilder;
import goflow.api.ratelimit.AdaptiveLimiterBuilder;
import goflow.api.ratelimit.ConcurrencyLimiterBuilder;
import goflow.api.ratelimit.KeyedRateLimiterBuilder;
import goflow.api.ratelimit.LeakyBucketBuilder;
import goflow.api.ratelimit.TokenBucketBuilder;
import goflow.api.schedule.Cron;
import goflow.api.schedule.SchedulerBuilder;
import goflow.api.stream.StreamSources;
import goflow.api.stream.Streams;
import goflow.impl.channel.ChannelBuilderImpl;
import goflow.impl.channel.ChannelsImpl;
import goflow.impl.internal.Check;
import goflow.impl.internal.PrimitiveRegistry;
import goflow.impl.io.AsyncWriterBuilderImpl;
import goflow.impl.jmx.MBeanExporter;
import goflow.impl.pipeline.PipelineStartImpl;
import goflow.impl.pipeline.StageRegistryImpl;
import goflow.impl.pool.WorkerPoolBuilderImpl;
import goflow.impl.ratelimit.AdaptiveLimiterBuilderImpl;
import goflow.impl.ratelimit.ConcurrencyLimiterBuilderImpl;
import goflow.impl.ratelimit.KeyedRateLimiterBuilderImpl;
import goflow.impl.ratelimit.LeakyBucketBuilderImpl;
import goflow.impl.ratelimit.TokenBucketBuilderImpl;
import goflow.impl.schedule.CronExpression;
import goflow.impl.schedule.SchedulerBuilderImpl;
import goflow.impl.stream.StreamFactory;

/**
 * The {@link GoFlow} implementation: owns a {@link PrimitiveRegistry} and creates primitives
 * registered in it. Found by {@link java.util.ServiceLoader} (class path and module path) and
 * registered as a bundle-scoped service in OSGi.
 *
 * <p>Thread-safe.
 */
public final class GoFlowImpl implements GoFlow {
    private final Clock clock;
    private final PrimitiveRegistry registry;

    /**
     * Creates an instance on the system clock owned by {@code "application"}; used by ServiceLoader.
     * With the system property {@code goflow.jmx=true}, its primitives are also MBeans in the
     * platform MBean server (see {@link MBeanExporter}).
     */
    public GoFlowImpl() {
        this(Clock.system(), "application");
        if (Boolean.getBoolean("goflow.jmx")) {
            registry.addListener(MBeanExporter.platform());
        }
    }

    /**
     * Creates an instance.
     *
     * @param clock the default clock for primitives
     * @param owner the owner reported in the registry, e.g. a bundle's symbolic name
     */
    public GoFlowImpl(Clock clock, String owner) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.registry = new PrimitiveRegistry(Objects.requireNonNull(owner, "owner"));
    }

    @Override
    public Clock clock() {
        return clock;
    }

    /**
     * {@inheritDoc}
     *
     * @return the registry of this instance's primitives
     */
    @Override
    public PrimitiveRegistry registry() {
        return registry;
    }

    @Override
    public Registration register(Primitive primitive) {
        return registry.register(primitive);
    }

    // ---------------------------------------------------------------------------------------------
    // Rate limiting (goflow.api.ratelimit)
    // ---------------------------------------------------------------------------------------------

    @Override
    public TokenBucketBuilder tokenBucket() {
        return new TokenBucketBuilderImpl(registry, clock);
    }

    @Override
    public LeakyBucketBuilder leakyBucket() {
        return new LeakyBucketBuilderImpl(registry, clock);
    }

    @Override
    public ConcurrencyLimiterBuilder concurrencyLimiter() {
        return new ConcurrencyLimiterBuilderImpl(registry);
    }

    @Override
    public AdaptiveLimiterBuilder adaptiveLimiter() {
        return new AdaptiveLimiterBuilderImpl(registry, clock);
    }

    @Override
    public KeyedRateLimiterBuilder keyedRateLimiter() {
        return new KeyedRateLimiterBuilderImpl(registry, clock);
    }

    // ---------------------------------------------------------------------------------------------
    // Worker pool (goflow.api.pool)
    // ---------------------------------------------------------------------------------------------

    @Override
    public WorkerPoolBuilder workerPool() {
        return new WorkerPoolBuilderImpl(registry, clock);
    }

    // ---------------------------------------------------------------------------------------------
    // Scheduler (goflow.api.schedule)
    // ---------------------------------------------------------------------------------------------

    @Override
    public Cron cron(String expression) {
        return CronExpression.parse(expression, ZoneId.systemDefault());
    }

    @Override
    public Cron cron(String expression, ZoneId zone) {
        return CronExpression.parse(expression, zone);
    }

    @Override
    public SchedulerBuilder scheduler() {
        return new SchedulerBuilderImpl(registry, clock, this::workerPool);
    }

    // ---------------------------------------------------------------------------------------------
    // Pipeline (goflow.api.pipeline)
    // ---------------------------------------------------------------------------------------------

    /** Stages known by name; filled in code or, in OSGi, from Stage services. */
    private final StageRegistryImpl stages = new StageRegistryImpl();

    @Override
    public PipelineStart pipeline() {
        return new PipelineStartImpl(registry, stages, clock, null);
    }

    @Override
    public PipelineStart pipeline(String name) {
        Check.notNull(Primitive.Kind.PIPELINE.label(), "name", name);
        return new PipelineStartImpl(registry, stages, clock, name);
    }

    @Override
    public StageRegistry stages() {
        return stages;
    }

    // ---------------------------------------------------------------------------------------------
    // Stream (goflow.api.stream)
    // ---------------------------------------------------------------------------------------------

    /** Streams and named stream sources; streams use this instance's clock. */
    private final StreamFactory streams =
            new StreamFactory(this::clock, this::isClosedForStreams);

    @Override
    public Streams streams() {
        return streams;
    }

    @Override
    public StreamSources streamSources() {
        return streams.sources();
    }

    private boolean isClosedForStreams() {
        return registry.isClosed();
    }

    // ---------------------------------------------------------------------------------------------
    // Channels (goflow.api.channel)
    // ---------------------------------------------------------------------------------------------

    private final Channels channels = new ChannelsImpl();

    @Override
    public <T> ChannelBuilder<T> channel() {
        return new ChannelBuilderImpl<>(registry);
    }

    @Override
    public Channels channels() {
        return channels;
    }

    // ---------------------------------------------------------------------------------------------
    // Async writer (goflow.api.io)
    // ---------------------------------------------------------------------------------------------

    @Override
    public AsyncWriterBuilder asyncWriter() {
        return new AsyncWriterBuilderImpl(registry, clock);
    }

    @Override
    public void close() {
        registry.closeAll();
    }

    @Override
    public String toString() {
        return "GoFlow[owner=" + registry.owner() + ", primitives=" + registry.primitives().size() + "]";
    }
}
