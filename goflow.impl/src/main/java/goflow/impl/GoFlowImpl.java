package goflow.impl;

import java.util.Objects;

import goflow.api.Clock;
import goflow.api.GoFlow;
import goflow.api.inspect.Registry;
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

    /** Creates an instance on the system clock owned by {@code "application"}; used by ServiceLoader. */
    public GoFlowImpl() {
        this(Clock.system(), "application");
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

    @Override
    public Registry registry() {
        return registry;
    }

    // ---------------------------------------------------------------------------------------------
    // Rate limiting (goflow.api.ratelimit)
    // ---------------------------------------------------------------------------------------------

    // (end of rate limiting)


    // ---------------------------------------------------------------------------------------------
    // Worker pool (goflow.api.pool)
    // ---------------------------------------------------------------------------------------------

    // (end of worker pool)


    // ---------------------------------------------------------------------------------------------
    // Scheduler (goflow.api.schedule)
    // ---------------------------------------------------------------------------------------------

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

    // (end of stream)


    // ---------------------------------------------------------------------------------------------
    // Channels (goflow.api.channel)
    // ---------------------------------------------------------------------------------------------

    // (end of channels)


    // ---------------------------------------------------------------------------------------------
    // Async writer (goflow.api.io)
    // ---------------------------------------------------------------------------------------------

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
