package goflow.api;

import java.time.ZoneId;
import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.ChannelBuilder;
import goflow.api.channel.Channels;
import goflow.api.inspect.Registry;
import goflow.api.io.AsyncWriter;
import goflow.api.io.AsyncWriterBuilder;
import goflow.api.pipeline.PipelineStart;
import goflow.api.pipeline.Stage;
import goflow.api.pipeline.StageRegistry;
import goflow.api.pool.WorkerPool;
import goflow.api.pool.WorkerPoolBuilder;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.AdaptiveLimiterBuilder;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.ConcurrencyLimiterBuilder;
import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.api.ratelimit.KeyedRateLimiterBuilder;
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.LeakyBucketBuilder;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.TokenBucketBuilder;
import goflow.api.schedule.Cron;
import goflow.api.schedule.CronSyntaxException;
import goflow.api.schedule.Scheduler;
import goflow.api.schedule.SchedulerBuilder;
import goflow.api.stream.Stream;
import goflow.api.stream.StreamSource;
import goflow.api.stream.StreamSources;
import goflow.api.stream.Streams;

/**
 * The entry point: creates every goflow primitive and keeps the {@link Registry} of those still
 * alive.
 *
 * <p>On a plain JVM, {@code GoFlow goflow = GoFlow.load();} finds the implementation (the
 * {@code goflow.impl} module) through {@link ServiceLoader}, on the class path or the module path.
 * In an OSGi framework, reference the {@code GoFlow} service instead; it is bundle-scoped, so
 * everything a bundle created through it is closed when that bundle stops.
 *
 * <p>Every primitive has a name, given through its builder or generated as {@code <kind>-<n>}
 * (for example {@code token-bucket-1}); names are unique among the live primitives of one
 * {@code GoFlow}. A name has 1 to 128 characters and none of: whitespace (Unicode spaces such as
 * the no-break space included), control characters, invisible formatting characters (zero-width
 * spaces, bidirectional overrides), unpaired surrogates, {@code , = : " * ?}; names appear in
 * shell tables, JMX object names and metric labels, where such characters would make one name
 * look like, or become, another. {@link #close()} closes every primitive this instance created.
 *
 * <p>A builder may be used again: each {@code build()} creates a new primitive from the builder's
 * settings at that time, under a newly generated name when none was given; with a name given, a
 * second {@code build()} is refused while the first primitive lives (the name is taken). A
 * pipeline builder is the exception: it builds one pipeline (its stages are that pipeline's), and
 * a second {@code build()} throws {@link IllegalStateException}.
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface GoFlow extends AutoCloseable {

    /**
     * Loads a new, independent {@code GoFlow} from the implementation found by
     * {@link ServiceLoader} with this interface's class loader (or the module graph).
     *
     * @return a new instance; close it to close everything it created
     * @throws GoFlowException if no implementation is present, naming the missing module
     */
    static GoFlow load() {
        // On the module path the generated module-info has no `uses` clause; declare it here.
        GoFlow.class.getModule().addUses(GoFlow.class);
        return load(ServiceLoader.load(GoFlow.class, GoFlow.class.getClassLoader()));
    }

    /**
     * Loads a new, independent {@code GoFlow} from the implementation visible to {@code loader}.
     *
     * @param loader the class loader to search
     * @return a new instance; close it to close everything it created
     * @throws GoFlowException if no implementation is present, naming the missing module
     */
    static GoFlow load(ClassLoader loader) {
        GoFlow.class.getModule().addUses(GoFlow.class);
        return load(ServiceLoader.load(GoFlow.class, loader));
    }

    private static GoFlow load(ServiceLoader<GoFlow> loader) {
        try {
            Iterator<GoFlow> found = loader.iterator();
            if (found.hasNext()) {
                return found.next();
            }
        } catch (ServiceConfigurationError e) {
            throw new GoFlowException("goflow.impl is present but could not be loaded: " + e.getMessage(), e);
        }
        throw new GoFlowException("No goflow implementation found: add the goflow.impl module "
                + "(Maven dev.goflow:goflow.impl) to the class path or module path. "
                + "In an OSGi framework, reference the goflow.api.GoFlow service instead.");
    }

    /**
     * Returns the clock primitives use unless their builder is given another one.
     *
     * @return the default clock, normally {@link Clock#system()}
     */
    Clock clock();

    /**
     * Returns the live primitives this instance created.
     *
     * @return the registry
     */
    Registry registry();

    /**
     * Lists a primitive built outside this implementation in this instance's {@link #registry()},
     * so the shell, JMX and every reader of the live registry see it beside the primitives created
     * here: a bundle that brings an outside engine (goflow.redis's fleet-wide limiters) builds its
     * own {@link Primitive} and registers it with the {@code GoFlow} it was given.
     *
     * <p>The name {@link Primitive#name()} is claimed like the name of a primitive built here (it
     * must be valid and unique among this instance's live primitives). The primitive stays listed
     * until the returned registration is closed (its {@code close()} should do that) or until this
     * {@code GoFlow} is closed, which closes it like every primitive it lists.
     *
     * @param primitive the primitive, fully built; its {@code name()}, {@code kind()} and
     *     {@code stats()} are read from now on, from any thread
     * @return removes the listing again; idempotent
     * @throws InvalidConfigException if the primitive, its kind or its name is null, or its name
     *     invalid or taken
     * @throws ClosedException if this instance is closed
     * @since 0.3
     */
    Registration register(Primitive primitive);

    // ---------------------------------------------------------------------------------------------
    // Rate limiting (goflow.api.ratelimit)
    // ---------------------------------------------------------------------------------------------

    /**
     * Starts building a token bucket {@link RateLimiter}:
     * {@code goflow.tokenBucket().name("api").rate(100).burst(200).build()}.
     *
     * @return a new builder
     */
    TokenBucketBuilder tokenBucket();

    /**
     * Starts building a {@link LeakyBucket}:
     * {@code goflow.leakyBucket().leakRate(50).capacity(10).build()}.
     *
     * @return a new builder
     */
    LeakyBucketBuilder leakyBucket();

    /**
     * Starts building a {@link ConcurrencyLimiter}:
     * {@code goflow.concurrencyLimiter().capacity(20).fair(true).build()}.
     *
     * @return a new builder
     */
    ConcurrencyLimiterBuilder concurrencyLimiter();

    /**
     * Starts building an {@link AdaptiveLimiter}, a concurrency limit found by measuring:
     * {@code goflow.adaptiveLimiter().algorithm(GradientLimit.defaults()).maxLimit(64).build()}.
     *
     * @return a new builder
     */
    AdaptiveLimiterBuilder adaptiveLimiter();

    /**
     * Starts building a per-key {@link KeyedRateLimiter}:
     * {@code goflow.keyedRateLimiter().rate(10).burst(20).maxKeys(100_000).build()}.
     *
     * @return a new builder
     */
    KeyedRateLimiterBuilder keyedRateLimiter();

    // ---------------------------------------------------------------------------------------------
    // Worker pool (goflow.api.pool)
    // ---------------------------------------------------------------------------------------------

    /**
     * Starts configuring a {@link WorkerPool}: a fixed (live-resizable) number of
     * workers running tasks from a bounded FIFO queue.
     *
     * <pre>{@code
     * WorkerPool pool = goflow.workerPool().name("io").workers(4).queueCapacity(100)
     *         .taskTimeout(Duration.ofSeconds(5)).build();
     * }</pre>
     *
     * @return a new builder
     */
    WorkerPoolBuilder workerPool();

    // ---------------------------------------------------------------------------------------------
    // Scheduler (goflow.api.schedule)
    // ---------------------------------------------------------------------------------------------

    /**
     * Parses a cron expression evaluated in the system default time zone (unless it has a
     * {@code TZ=} prefix). Syntax, day-of-week rules and daylight-saving behaviour: {@link Cron}.
     *
     * @param expression the expression, e.g. {@code "0 9 * * MON-FRI"} or {@code "@every 10s"}
     * @return the parsed expression
     * @throws CronSyntaxException naming the field and the offending token
     */
    Cron cron(String expression);

    /**
     * Parses a cron expression evaluated in {@code zone} (unless it has a {@code TZ=} prefix, which
     * wins). Syntax, day-of-week rules and daylight-saving behaviour: {@link Cron}.
     *
     * @param expression the expression, e.g. {@code "0 0 9 * * MON-FRI"}
     * @param zone the time zone the fields are matched in
     * @return the parsed expression
     * @throws CronSyntaxException naming the field and the offending token
     */
    Cron cron(String expression, ZoneId zone);

    /**
     * Starts configuring a {@link Scheduler}: runs jobs once, at an instant, at
     * a fixed rate or delay, or by cron, on a worker pool. It is built stopped.
     *
     * <pre>{@code
     * Scheduler scheduler = goflow.scheduler().name("jobs").workers(2).build();
     * scheduler.start();
     * scheduler.cron("0 9 * * MON-FRI", ctx -> report.send());
     * }</pre>
     *
     * @return a new builder
     */
    SchedulerBuilder scheduler();

    // ---------------------------------------------------------------------------------------------
    // Pipeline (goflow.api.pipeline)
    // ---------------------------------------------------------------------------------------------

    /**
     * Starts building a pipeline with a generated name ({@code pipeline-<n>}).
     *
     * @return a builder: set options, then add stages
     */
    PipelineStart pipeline();

    /**
     * Starts building a pipeline:
     * {@code goflow.pipeline("words").stage("trim", String::trim).stage("len", s -> s.length()).build()}
     * gives a {@code Pipeline<String, Integer>}.
     *
     * @param name the pipeline's name, unique among the live primitives of this instance
     * @return a builder: set options, then add stages
     * @throws InvalidConfigException if the name is invalid
     */
    PipelineStart pipeline(String name);

    /**
     * Returns the stages known by name to this instance, from which pipelines are composed with
     * {@link PipelineStart#stages(String...)}. In OSGi it holds the
     * {@link Stage} services; on a plain JVM, register stages in code.
     *
     * @return the stage registry of this instance
     */
    StageRegistry stages();

    // ---------------------------------------------------------------------------------------------
    // Stream (goflow.api.stream)
    // ---------------------------------------------------------------------------------------------

    /**
     * Returns the factory of lazy, pull-based, single-use {@link Stream}s:
     * from collections, iterators, Java streams, generators, channels and named sources.
     * Streams use this instance's {@link #clock()} (for {@code window}).
     *
     * @return the stream factory of this instance
     */
    Streams streams();

    /**
     * Returns the named stream sources ({@link StreamSource} plugins) that
     * {@code streams().named(name, type)} looks up.
     *
     * @return the source registry of this instance
     */
    StreamSources streamSources();

    /**
     * Streams the elements of an {@code Iterable}; shorthand for {@code streams().of(elements)}.
     *
     * @param <T> the element type
     * @param elements the elements, in iteration order
     * @return a new stream
     */
    default <T> Stream<T> stream(Iterable<? extends T> elements) {
        return streams().of(elements);
    }

    // ---------------------------------------------------------------------------------------------
    // Channels (goflow.api.channel)
    // ---------------------------------------------------------------------------------------------

    /**
     * Returns a builder for a bounded {@link BackpressureChannel}. Name the value
     * type at the call: {@code goflow.<String>channel().capacity(10).build()}.
     *
     * @param <T> the type of the channel's values
     * @return a new builder (default capacity 100, strategy BLOCK)
     */
    <T> ChannelBuilder<T> channel();

    /**
     * Returns the channel utilities (merge, fan-out, tee, batch, pipe) of this instance; their
     * links stop by themselves once the channels they connect are closed, so closing this
     * {@code GoFlow} (which closes its channels) also ends the links between its channels.
     *
     * @return the utilities, stateless and shared
     */
    Channels channels();

    // ---------------------------------------------------------------------------------------------
    // Async writer (goflow.api.io)
    // ---------------------------------------------------------------------------------------------

    /**
     * Returns a builder for an {@link AsyncWriter}: a fixed-size buffer in front of
     * an {@code OutputStream} or {@code Writer}, written out by one background thread.
     *
     * @return a new builder
     */
    AsyncWriterBuilder asyncWriter();

    /**
     * Closes every primitive this instance created that is still alive (see
     * {@link Primitive#close()}); afterwards creating a primitive throws {@link ClosedException}
     * (one being built while this runs is closed and refused). A primitive whose {@code close()}
     * throws (one registered from outside) does not keep the others open: all are closed, then the
     * first failure is thrown, with the later ones suppressed. Idempotent.
     */
    @Override
    void close();
}
