package goflow.container.demo;

import java.time.Duration;
import java.time.format.DateTimeParseException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.ClosedException;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pool.RejectedException;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.api.stream.StreamSource;

/**
 * The demo traffic: every period, a job on scheduler {@code demo-traffic} takes
 * {@code linesPerTick} lines from the {@code orders} stream source plugin and offers each to token
 * bucket {@code demo-ingress}; an admitted line is submitted to pool {@code demo-workers}, whose
 * task takes a permit of concurrency limiter {@code demo-db} and executes pipeline
 * {@code demo-orders} on it. Every primitive comes from the default configuration in
 * {@code deploy/}, so the figures in {@code goflow:stats} move from the start; deleting any of
 * those files (or {@code goflow.demo.cfg}) stops the traffic, restoring it starts it again.
 *
 * <p>Thread-safe: the scheduler never overlaps runs of the job (its default overlap policy), so
 * the cursor is used by one tick at a time; {@link #deactivate()} (on the component's thread) never
 * closes it under a running tick, which closes it itself when it ends (see {@code lock}).
 */
@Component(configurationPid = DemoConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = DemoConfig.class)
public final class DemoTraffic {
    private static final System.Logger LOG = System.getLogger(DemoTraffic.class.getName());
    private static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(1);

    private final RateLimiter ingress;
    private final ConcurrencyLimiter db;
    private final WorkerPool workers;
    private final Pipeline<Object, Object> pipeline;
    private final StreamSource<?> orders;
    private final int linesPerTick;
    /** Guards {@code cursor}, {@code ticking} and {@code stopped}; never held while the cursor is used. */
    private final Object lock = new Object();
    /** The open cursor over the orders, opened on the first tick; read and advanced by ticks only. */
    private StreamSource.Cursor<?> cursor;
    /** Whether a tick is running (it then owns the cursor: deactivate leaves the closing to it). */
    private boolean ticking;
    /** Set once by deactivate: no tick starts, and the cursor is closed by whoever holds it last. */
    private boolean stopped;
    private final ScheduledTask task;

    /**
     * Starts the traffic.
     *
     * @param config the configuration
     * @param ingress token bucket demo-ingress
     * @param db concurrency limiter demo-db
     * @param workers worker pool demo-workers
     * @param pipeline pipeline demo-orders
     * @param scheduler scheduler demo-traffic
     * @param orders the orders source plugin
     */
    @Activate
    public DemoTraffic(DemoConfig config,
            @Reference(target = "(goflow.name=demo-ingress)") RateLimiter ingress,
            @Reference(target = "(goflow.name=demo-db)") ConcurrencyLimiter db,
            @Reference(target = "(goflow.name=demo-workers)") WorkerPool workers,
            @Reference(target = "(goflow.name=demo-orders)") Pipeline<Object, Object> pipeline,
            @Reference(target = "(goflow.name=demo-traffic)") Scheduler scheduler,
            @Reference(target = "(" + StreamSource.NAME_PROPERTY + "=orders)") StreamSource<?> orders) {
        if (config.linesPerTick() < 1) {
            throw new IllegalArgumentException("goflow.demo: linesPerTick " + config.linesPerTick() + " must be at least 1");
        }
        this.ingress = ingress;
        this.db = db;
        this.workers = workers;
        this.pipeline = pipeline;
        this.orders = orders;
        this.linesPerTick = config.linesPerTick();
        this.task = scheduler.every(period(config.period()), this::tick);
    }

    private static Duration period(String text) {
        try {
            Duration d = Duration.parse(text.strip());
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("goflow.demo: period '" + text + "' must be positive");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("goflow.demo: period '" + text + "' is not an ISO-8601 duration", e);
        }
    }

    /**
     * Stops the traffic without waiting for a running tick (its context is cancelled; a source that
     * ignores it must not hold up the bundle's stop): the cursor is closed here, or by that tick
     * when it ends, never while it is in use. Tasks already submitted finish on the pool.
     */
    @Deactivate
    public void deactivate() {
        task.cancel();
        StreamSource.Cursor<?> c;
        synchronized (lock) {
            stopped = true;
            if (ticking) {
                return; // the tick closes it
            }
            c = cursor;
            cursor = null;
        }
        close(c);
    }

    private static void close(StreamSource.Cursor<?> c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "demo: closing the orders cursor failed", e);
            }
        }
    }

    private void tick(Context ctx) throws Exception {
        StreamSource.Cursor<?> c;
        synchronized (lock) {
            if (stopped) {
                return;
            }
            ticking = true;
            c = cursor;
        }
        try {
            if (c == null) {
                c = orders.open(ctx);
                synchronized (lock) {
                    cursor = c;
                }
            }
            for (int i = 0; i < linesPerTick && !ctx.isDone(); i++) {
                Object[] line = new Object[1];
                if (!c.tryAdvance(ctx, o -> line[0] = o)) {
                    return;
                }
                if (ingress.allow()) {
                    try {
                        workers.execute(() -> process(line[0]));
                    } catch (RejectedException e) {
                        // counted by the pool: goflow:pools shows it
                    }
                }
            }
        } finally {
            StreamSource.Cursor<?> left = null;
            synchronized (lock) {
                ticking = false;
                if (stopped) {
                    left = cursor;
                    cursor = null;
                }
            }
            close(left); // stopped during this tick: deactivate left it to us
        }
    }

    /**
     * Runs one admitted line, on a pool worker. While the container stops (or a demo file is
     * deleted), the primitives close in no particular order: a line that meets a closed limiter or
     * pipeline is dropped quietly, as the traffic itself is stopping.
     */
    private void process(Object line) {
        try {
            processAdmitted(line);
        } catch (ClosedException e) {
            LOG.log(System.Logger.Level.DEBUG, "demo: a primitive closed under a line, dropped", e);
        }
    }

    private void processAdmitted(Object line) {
        if (!db.tryAcquire()) {
            CancellableContext wait = Context.background().withTimeout(ACQUIRE_TIMEOUT);
            try {
                db.acquire(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                return; // timed out or closed: the limiter counts it
            } finally {
                wait.cancel();
            }
        }
        try {
            pipeline.execute(line);
        } finally {
            db.release(1);
        }
    }
}
