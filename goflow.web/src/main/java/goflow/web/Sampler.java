package goflow.web;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.Clock;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.inspect.Registry;
import goflow.api.pipeline.Pipeline;
import goflow.api.schedule.RunOutcome;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.metrics.Samples;

/**
 * Records every live primitive's figures once per interval into a {@link History} (the
 * dashboard's charts and the windowed health checks read it; its memory is bounded whatever the
 * number of primitives, about 32 MB) and knows the plugins present.
 *
 * <p>Thread-safe. One thread of its own, {@code goflow-web-sampler}, started on activation and
 * stopped (and waited for) on deactivation; the registry, the plugins and the history are
 * thread-safe. A failure to read one sample is logged and the next interval tries again; a
 * primitive whose figures cannot be read is recorded without figures (logged once until they can be
 * read again), the others as usual.
 */
@Component(service = Sampler.class, configurationPid = WebConfig.PID)
@Designate(ocd = WebConfig.class)
public final class Sampler {
    private static final System.Logger LOG = System.getLogger(Sampler.class.getName());
    /** Owners of pipelines composed of stage plugins by configuration. */
    private static final String PIPELINE_PID = "goflow.pipeline";
    /** The one figure of a registry row whose primitive's {@code stats()} threw ({@link Registry#snapshot()}). */
    private static final String STATS_ERROR = "statsError";
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final Duration MAX_INTERVAL = Duration.ofMinutes(1);

    private final Registry registry;
    private final Plugins plugins;
    private final Clock clock;
    private final Duration interval;
    private final History history;
    /**
     * The keys ({@link Frame.Row#key()}) of the primitives whose figures failed to be read the last
     * time, so each failure is logged once until the figures can be read again; a primitive no longer
     * live is forgotten at the next frame (its successor under the name is logged anew, and a flood
     * of short-lived ones leaves nothing behind). Concurrent: every caller of {@link #now()} updates
     * it (a caller with an older snapshot may forget a key a newer one just added: logged twice at most).
     */
    private final Set<String> unreadable = ConcurrentHashMap.newKeySet();
    /** Null until {@link #start()}; then the sampling thread. */
    private volatile ScheduledExecutorService executor;
    /**
     * One reading of the live primitives' figures at a time: the sampler's, a scrape's, a page's
     * ({@link #read}). A plugin whose {@code stats()} does not return then holds one thread, rather
     * than one more per request (each scrape and each open page's poll), and the others are told.
     */
    private final ReentrantLock reading = new ReentrantLock();
    /** When the reading in progress began (System.nanoTime); written by the reader under {@link #reading}. */
    private volatile long readingSince;
    /** How long a request waits for the reading in progress (package-private for the tests). */
    volatile Duration readWait = READ_WAIT;
    /** The default of {@link #readWait}: Prometheus's default scrape timeout. */
    static final Duration READ_WAIT = Duration.ofSeconds(10);

    /**
     * Creates the sampler from its configuration and starts sampling.
     *
     * @param context this bundle's context, to list the plugin services
     * @param registry the live registry
     * @param config the configuration; values that cannot be used are logged and replaced by the
     *     defaults ({@link ConfigDefaults})
     * @param properties the raw properties, for the values shown in the log
     */
    @Activate
    public Sampler(BundleContext context, @Reference Registry registry, WebConfig config,
            Map<String, Object> properties) {
        this(registry, Plugins.of(context), Clock.system(), settings(config, properties));
        start();
    }

    private Sampler(Registry registry, Plugins plugins, Clock clock, Settings settings) {
        this(registry, plugins, clock, settings.interval(), settings.history());
    }

    /** The sampling interval and the frames kept. */
    record Settings(Duration interval, int history) {
    }

    /** The settings of {@code config}, or the defaults where its values cannot be used (logged). */
    static Settings settings(WebConfig config, Map<String, Object> properties) {
        WebConfig c = ConfigDefaults.of(WebConfig.class, config, properties, WebConfig.PID);
        Duration interval;
        try {
            interval = interval(c.sample_interval());
        } catch (InvalidConfigException e) {
            ConfigDefaults.rejected(WebConfig.PID, e, "the default PT1S is used");
            interval = Duration.ofSeconds(1);
        }
        int history = c.history();
        if (history < 2 || history > 100_000) {
            ConfigDefaults.rejected(WebConfig.PID, new InvalidConfigException(WebConfig.PID, "history", history,
                    "must be from 2 to 100000", ""), "the default 600 is used");
            history = 600;
        }
        return new Settings(interval, history);
    }

    /**
     * Creates a sampler that samples only when told ({@link #sample()}) until {@link #start()}.
     *
     * @param registry the live registry
     * @param plugins the plugin services
     * @param clock the clock of the samples
     * @param interval the sampling interval
     * @param capacity the frames kept
     */
    Sampler(Registry registry, Plugins plugins, Clock clock, Duration interval, int capacity) {
        this(registry, plugins, clock, interval, capacity, History.BUDGET);
    }

    /**
     * Creates a sampler, as above, whose history has a budget of its own.
     *
     * @param registry the live registry
     * @param plugins the plugin services
     * @param clock the clock of the samples
     * @param interval the sampling interval
     * @param capacity the frames kept at most
     * @param budget the memory the frames may take, in {@link History#retained()} units
     */
    Sampler(Registry registry, Plugins plugins, Clock clock, Duration interval, int capacity, long budget) {
        if (capacity < 2 || capacity > 100_000) {
            throw new InvalidConfigException(WebConfig.PID, "history", capacity, "must be from 2 to 100000",
                    "the number of samples kept for the charts and the health checks");
        }
        this.registry = registry;
        this.plugins = plugins;
        this.clock = clock;
        this.interval = interval;
        this.history = new History(capacity, budget);
    }

    static Duration interval(String text) {
        Duration d;
        try {
            d = Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidConfigException(WebConfig.PID, "sample.interval", text, "must be an ISO-8601 duration",
                    "e.g. PT1S");
        }
        if (d.compareTo(MIN_INTERVAL) < 0 || d.compareTo(MAX_INTERVAL) > 0) {
            throw new InvalidConfigException(WebConfig.PID, "sample.interval", text, "must be from PT0.1S to PT1M",
                    "how often the figures are recorded");
        }
        return d;
    }

    /** Starts the sampling thread; it takes a first sample at once. */
    void start() {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "goflow-web-sampler");
            t.setDaemon(true);
            return t;
        });
        executor = ex;
        ex.scheduleAtFixedRate(this::sampleQuietly, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops the sampling thread and waits for it (bounded). */
    @Deactivate
    void stop() {
        ScheduledExecutorService ex = executor;
        if (ex != null) {
            ex.shutdownNow();
            try {
                if (!ex.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.log(System.Logger.Level.WARNING, "goflow-web-sampler did not stop within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Reads the live primitives' figures through {@code read} (which calls {@link #now()} or reads
     * the registry), once no other reading is in progress, waiting for one at most
     * {@link #readWait}.
     *
     * @param <T> what is read
     * @param read the reading
     * @return what it read
     * @throws Busy if another reading did not end within the wait (a primitive's {@code stats()}
     *     that does not return), or the thread was interrupted while it waited
     */
    <T> T read(Supplier<T> read) throws Busy {
        Duration wait = readWait;
        boolean locked;
        try {
            locked = reading.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("interrupted while waiting for another reading of the figures to end");
        }
        if (!locked) {
            throw new Busy("the figures could not be read within " + wait + ": another reading has waited "
                    + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - readingSince)
                    + " s for a primitive's stats() (a plugin whose stats() does not return?)");
        }
        try {
            readingSince = System.nanoTime();
            return read.get();
        } finally {
            reading.unlock();
        }
    }

    /** Another reading of the figures did not end in time; see {@link #read}. */
    static final class Busy extends Exception {
        private static final long serialVersionUID = 1L;

        Busy(String message) {
            super(message, null, false, false);
        }
    }

    private void sampleQuietly() {
        try {
            read(this::sample);
        } catch (Busy e) { // this sample is skipped; the next one tries again
            LOG.log(System.Logger.Level.DEBUG, () -> "goflow.web skipped a sample: " + e.getMessage());
        } catch (RuntimeException | Error e) { // a failing primitive must not end the sampling
            LOG.log(System.Logger.Level.WARNING, "goflow.web could not sample the registry", e);
        }
    }

    /**
     * Takes a frame and records it.
     *
     * @return the frame
     */
    Frame sample() {
        Frame f = now();
        history.add(f);
        return f;
    }

    /**
     * Takes a frame without recording it.
     *
     * @return every live primitive's figures now
     */
    Frame now() {
        List<Frame.Row> rows = new ArrayList<>();
        Set<String> live = new HashSet<>();
        for (PrimitiveInfo info : registry.snapshot()) {
            live.add(Frame.Row.key(info));
            Map<String, Object> figures = new LinkedHashMap<>();
            boolean readable = true;
            try {
                figures.putAll(info.stats().toMap());
                figures.replaceAll((figure, value) -> kept(value)); // a text that fails fails here, for this row
                figures.values().removeIf(Objects::isNull); // as Stats records leave them out: not there yet
                if (info.kind() == Primitive.Kind.SCHEDULER) {
                    registry.find(info).filter(Scheduler.class::isInstance)
                            .ifPresent(s -> tasks((Scheduler) s, figures));
                }
                readable = !figures.containsKey(STATS_ERROR);
                unreadable.remove(Frame.Row.key(info));
            } catch (RuntimeException | Error e) { // one primitive's figures must not take the others' down
                figures.clear();
                readable = false;
                if (unreadable.add(Frame.Row.key(info))) {
                    LOG.log(System.Logger.Level.WARNING, "goflow.web cannot read the figures of " + info.kind().label()
                            + " '" + info.name() + "' (owner " + info.owner() + "); it is shown without figures"
                            + " until they can be read", e);
                }
            }
            rows.add(new Frame.Row(info, figures, readable));
        }
        unreadable.retainAll(live);
        return new Frame(clock.nanoTime(), clock.instant(), rows);
    }

    /**
     * A figure as a frame keeps it: a number as its value now ({@link Samples#number}: a counter
     * read once, not again when the frame is written), a boolean, a string, a duration or an
     * instant as it is, anything else (a plugin's own type) as its string form, made while the figures are read,
     * so that one whose {@code toString()} fails counts among figures that cannot be read instead of
     * failing every later reader of the frame (the page's state, for every primitive); a null (or a
     * null text) is then left out, as a {@code Stats} record leaves out a figure that is not there yet.
     */
    private static Object kept(Object value) {
        if (value instanceof Number) {
            return Samples.number(value); // its value now: a plugin's number that fails, fails here
        }
        return value == null || value instanceof Boolean || value instanceof String
                || value instanceof Duration || value instanceof Instant ? value : String.valueOf(value);
    }

    private static void tasks(Scheduler scheduler, Map<String, Object> figures) {
        for (ScheduledTask t : scheduler.tasks()) {
            String p = "task." + t.id() + ".";
            figures.put(p + "runs", t.runCount());
            figures.put(p + "failures", t.failureCount());
            figures.put(p + "lastFailed", t.lastOutcome().map(o -> o.status() == RunOutcome.Status.FAILED).orElse(false));
        }
    }

    /** The time between two samples. */
    Duration interval() {
        return interval;
    }

    /** The frames recorded, oldest first. */
    History history() {
        return history;
    }

    /** The clock of the frames. */
    Clock clock() {
        return clock;
    }

    /** The registry sampled. */
    Registry registry() {
        return registry;
    }

    /** The plugin services. */
    Plugins plugins() {
        return plugins;
    }

    /**
     * The stage plugins a pipeline configured by stage names is waiting for.
     *
     * @param info a registry row
     * @return empty for a pipeline that is not configured by stage names; else the missing stages
     *     (an empty list when it is ready)
     */
    Optional<List<String>> missingStages(PrimitiveInfo info) {
        if (info.kind() != Primitive.Kind.PIPELINE || !(info.owner().startsWith(PIPELINE_PID + "~")
                || info.owner().startsWith(PIPELINE_PID + "."))) {
            return Optional.empty();
        }
        Optional<Pipeline<?, ?>> pipeline = registry.find(info).filter(Pipeline.class::isInstance)
                .map(p -> (Pipeline<?, ?>) p);
        if (pipeline.isEmpty()) {
            return Optional.empty();
        }
        Set<String> present = new TreeSet<>();
        plugins.list(Plugins.STAGE_NAME).forEach(p -> present.add(p.name()));
        List<String> missing = new ArrayList<>();
        for (String stage : pipeline.get().stageNames()) {
            if (!present.contains(stage) && !missing.contains(stage)) {
                missing.add(stage);
            }
        }
        return Optional.of(missing);
    }
}
