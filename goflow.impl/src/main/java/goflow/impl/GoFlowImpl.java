package goflow.impl;

import java.util.Objects;

import goflow.api.Clock;
import goflow.api.GoFlow;
import goflow.impl.internal.PrimitiveRegistry;

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
     * platform MBean server (see {@link goflow.impl.jmx.MBeanExporter}).
     */
    public GoFlowImpl() {
        this(Clock.system(), "application");
        if (Boolean.getBoolean("goflow.jmx")) {
            registry.addListener(goflow.impl.jmx.MBeanExporter.platform());
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

    // ---------------------------------------------------------------------------------------------
    // Rate limiting (goflow.api.ratelimit)
    // ---------------------------------------------------------------------------------------------

    @Override
    public goflow.api.ratelimit.TokenBucketBuilder tokenBucket() {
        return new goflow.impl.ratelimit.TokenBucketBuilderImpl(registry, clock);
    }

    @Override
    public goflow.api.ratelimit.LeakyBucketBuilder leakyBucket() {
        return new goflow.impl.ratelimit.LeakyBucketBuilderImpl(registry, clock);
    }

    @Override
    public goflow.api.ratelimit.ConcurrencyLimiterBuilder concurrencyLimiter() {
        return new goflow.impl.ratelimit.ConcurrencyLimiterBuilderImpl(registry);
    }

    @Override
    public goflow.api.ratelimit.KeyedRateLimiterBuilder keyedRateLimiter() {
        return new goflow.impl.ratelimit.KeyedRateLimiterBuilderImpl(registry, clock);
    }

    // (end of rate limiting)


    // ---------------------------------------------------------------------------------------------
    // Worker pool (goflow.api.pool)
    // ---------------------------------------------------------------------------------------------

    @Override
    public goflow.api.pool.WorkerPool.Builder workerPool() {
        return new goflow.impl.pool.WorkerPoolBuilder(registry, clock);
    }

    // (end of worker pool)


    // ---------------------------------------------------------------------------------------------
    // Scheduler (goflow.api.schedule)
    // ---------------------------------------------------------------------------------------------

    @Override
    public goflow.api.schedule.Cron cron(String expression) {
        return goflow.impl.schedule.CronExpression.parse(expression, java.time.ZoneId.systemDefault());
    }

    @Override
    public goflow.api.schedule.Cron cron(String expression, java.time.ZoneId zone) {
        return goflow.impl.schedule.CronExpression.parse(expression, zone);
    }

    @Override
    public goflow.api.schedule.Scheduler.Builder scheduler() {
        return new goflow.impl.schedule.SchedulerBuilderImpl(registry, clock, this::workerPool);
    }

    // (end of scheduler)


    // ---------------------------------------------------------------------------------------------
    // Pipeline (goflow.api.pipeline)
    // ---------------------------------------------------------------------------------------------

    /** Stages known by name; filled in code or, in OSGi, from Stage services. */
    private final goflow.impl.pipeline.StageRegistryImpl stages = new goflow.impl.pipeline.StageRegistryImpl();

    @Override
    public goflow.api.pipeline.PipelineStart pipeline() {
        return new goflow.impl.pipeline.PipelineStartImpl(registry, stages, clock, null);
    }

    @Override
    public goflow.api.pipeline.PipelineStart pipeline(String name) {
        goflow.impl.internal.Check.notNull(goflow.api.Primitive.Kind.PIPELINE.label(), "name", name);
        return new goflow.impl.pipeline.PipelineStartImpl(registry, stages, clock, name);
    }

    @Override
    public goflow.api.pipeline.StageRegistry stages() {
        return stages;
    }

    // (end of pipeline)


    // ---------------------------------------------------------------------------------------------
    // Stream (goflow.api.stream)
    // ---------------------------------------------------------------------------------------------

    /** Streams and named stream sources; streams use this instance's clock. */
    private final goflow.impl.stream.StreamFactory streams =
            new goflow.impl.stream.StreamFactory(this::clock, this::isClosedForStreams);

    @Override
    public goflow.api.stream.Streams streams() {
        return streams;
    }

    @Override
    public goflow.api.stream.StreamSources streamSources() {
        return streams.sources();
    }

    private boolean isClosedForStreams() {
        return registry.isClosed();
    }

    // (end of stream)


    // ---------------------------------------------------------------------------------------------
    // Channels (goflow.api.channel)
    // ---------------------------------------------------------------------------------------------

    private final goflow.api.channel.Channels channels = new goflow.impl.channel.ChannelsImpl();

    @Override
    public <T> goflow.api.channel.BackpressureChannel.Builder<T> channel() {
        return new goflow.impl.channel.ChannelBuilder<>(registry);
    }

    @Override
    public goflow.api.channel.Channels channels() {
        return channels;
    }

    // (end of channels)


    // ---------------------------------------------------------------------------------------------
    // Async writer (goflow.api.io)
    // ---------------------------------------------------------------------------------------------

    @Override
    public goflow.api.io.AsyncWriter.Builder asyncWriter() {
        return new goflow.impl.io.AsyncWriterBuilder(registry, clock);
    }

    // (end of async writer)

    @Override
    public void close() {
        registry.closeAll();
    }

    @Override
    public String toString() {
        return "GoFlow[owner=" + registry.owner() + ", primitives=" + registry.primitives().size() + "]";
    }
}
