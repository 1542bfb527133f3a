package goflow.impl.osgi;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.pool.WorkerPool;
import goflow.api.schedule.Scheduler;
import goflow.impl.GoFlowImpl;
import goflow.impl.internal.BoundedPark;
import goflow.impl.internal.Durations;
import goflow.impl.internal.Stoppable;
import goflow.impl.internal.StuckThreads;

/**
 * Closes a {@link GoFlowImpl} within a bounded time, for bundle stops and deleted configurations,
 * whatever its users' code does:
 * <ol>
 * <li>the primitives that feed pools stop first: schedulers are stopped (their runs' contexts
 * cancelled) and waited for within the grace; pipelines (all at once: each waits up to 3 s for
 * its own-thread {@code executeAsync} executions, part of the grace) and channels are closed;</li>
 * <li>every worker pool is shut down (accepted tasks complete) and given the grace, shared by all;
 * pools still busy then are stopped with {@code shutdownNow()} (running tasks' contexts cancelled,
 * their threads interrupted) and given the {@link #interruptBound interrupt bound} more;</li>
 * <li>async writers are closed after the pools, so that tasks still write through them: they get
 * the rest of the grace, at least the interrupt bound; a writer whose output still blocks then is
 * interrupted and given the interrupt bound once more;</li>
 * <li>a pool or writer that has still not stopped is <em>abandoned</em>: it leaves the registry,
 * what it lost is reported, and a WARNING names it, its owner and each stuck thread (with the
 * frame it is stuck in). Those threads keep their names and end when the user code or output they
 * are in returns;</li>
 * <li>the rest is closed by {@link GoFlowImpl#close()}, waited for at most the interrupt bound
 * (it goes on in a thread named {@code goflow-close-<owner>} if something still blocks).</li>
 * </ol>
 * The whole close thus returns after at most the grace plus four interrupt bounds (schedulers'
 * runs are waited for within the grace), and a framework stop never waits forever on a task or an
 * output. An interrupt of the closing thread
 * cuts every remaining wait short (the steps still run, without waiting) and is restored.
 *
 * <p>Stateless and thread-safe.
 */
final class BoundedClose {
    /** How long accepted tasks get to complete when a bundle stops or a configuration is deleted. */
    static final Duration GRACE = Duration.ofSeconds(10);
    /** The framework or system property that sets the grace, an ISO-8601 duration such as {@code PT10S}. */
    static final String GRACE_PROPERTY = "goflow.stop.grace";
    private static final Duration MAX_INTERRUPT_BOUND = Duration.ofSeconds(2);
    private static final Duration MIN_INTERRUPT_BOUND = Duration.ofMillis(100);
    /**
     * The longest a pipeline's close waits for its {@code executeAsync} executions (their 2 s, then
     * 1 s for those it cancelled; see {@code Pipeline.close()}).
     */
    private static final Duration PIPELINE_CLOSE = Duration.ofSeconds(3);
    private static final System.Logger LOG = System.getLogger(BoundedClose.class.getName());

    private BoundedClose() {
    }

    /**
     * Returns the grace set by {@value #GRACE_PROPERTY}, or {@link #GRACE} when the value is
     * missing, blank or invalid (then logged as a WARNING naming the property, the value and the
     * rule).
     *
     * @param value the property's value, may be null
     * @return the grace
     */
    static Duration grace(String value) {
        if (value == null || value.isBlank()) {
            return GRACE;
        }
        try {
            return parseGrace(value);
        } catch (InvalidConfigException e) {
            LOG.log(Level.WARNING, e.getMessage() + "; using " + GRACE);
            return GRACE;
        }
    }

    /**
     * Returns the grace set by {@value #GRACE_PROPERTY} for a configured primitive, or
     * {@link #GRACE} when the value is missing, blank or invalid, without logging: the GoFlow
     * service factory of the same bundle reads the same property when it starts and logs an invalid
     * value once.
     *
     * @param value the property's value, may be null
     * @return the grace
     */
    static Duration configuredGrace(String value) {
        if (value == null || value.isBlank()) {
            return GRACE;
        }
        try {
            return parseGrace(value);
        } catch (InvalidConfigException e) {
            return GRACE;
        }
    }

    /**
     * Parses a value of {@value #GRACE_PROPERTY}.
     *
     * @param value an ISO-8601 duration, zero or positive
     * @return the duration
     * @throws InvalidConfigException naming the property, the value and the rule
     */
    static Duration parseGrace(String value) {
        Duration d;
        try {
            d = Duration.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidConfigException("goflow", GRACE_PROPERTY, value, "must be an ISO-8601 duration",
                    "for example PT10S or PT0.5S");
        }
        if (d.isNegative()) {
            throw new InvalidConfigException("goflow", GRACE_PROPERTY, value, "must not be negative",
                    "how long accepted tasks get to complete when a bundle stops");
        }
        return d;
    }

    /**
     * Returns how long a primitive gets after it was stopped with interrupts before it is
     * abandoned: the grace, at least 100 ms and at most 2 s.
     *
     * @param grace the grace
     * @return the bound
     */
    static Duration interruptBound(Duration grace) {
        if (grace.compareTo(MIN_INTERRUPT_BOUND) < 0) {
            return MIN_INTERRUPT_BOUND;
        }
        return grace.compareTo(MAX_INTERRUPT_BOUND) > 0 ? MAX_INTERRUPT_BOUND : grace;
    }

    static void close(GoFlowImpl goflow, Duration grace) {
        new Run(goflow, grace).close();
    }

    /** One bounded close: its deadline and whether the closing thread was interrupted. */
    private static final class Run {
        private final GoFlowImpl goflow;
        private final String owner;
        private final Duration grace;
        private final Duration bound;
        private final long deadline;
        private boolean interrupted;

        Run(GoFlowImpl goflow, Duration grace) {
            this.goflow = goflow;
            this.owner = goflow.registry().owner();
            this.grace = grace;
            this.bound = interruptBound(grace);
            this.deadline = System.nanoTime() + Durations.toNanosSaturated(grace);
        }

        void close() {
            try {
                stopFeeders();
                List<Stoppable> pools = new ArrayList<>();
                List<Stoppable> others = new ArrayList<>();
                for (Primitive p : goflow.registry().primitives()) {
                    if (p instanceof Stoppable) {
                        (p instanceof WorkerPool ? pools : others).add((Stoppable) p);
                    }
                }
                stopInSteps(pools, deadline, "shutdownNow()", "tasks return");
                stopInSteps(others, Math.max(deadline, System.nanoTime() + Durations.toNanosSaturated(bound)), "stopping it",
                        "output returns");
                closeTheRest();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /**
         * Schedulers, pipelines and channels (kinds after the pool that are not Stoppable), newest
         * kinds first; the pipelines together (see closeTogether).
         */
        private void stopFeeders() {
            List<Primitive> live = goflow.registry().primitives();
            List<Primitive> pipelines = new ArrayList<>();
            for (int i = live.size() - 1; i >= 0; i--) {
                Primitive p = live.get(i);
                if (p.kind().compareTo(Primitive.Kind.WORKER_POOL) <= 0 || p instanceof Stoppable) {
                    continue;
                }
                if (p.kind() == Primitive.Kind.PIPELINE) {
                    pipelines.add(p);
                    continue;
                }
                if (p.kind().compareTo(Primitive.Kind.PIPELINE) < 0 && !pipelines.isEmpty()) {
                    closeTogether(pipelines); // before the schedulers, as in kind order
                    pipelines.clear();
                }
                try {
                    if (p instanceof Scheduler) {
                        // stop() waits for its runs within what is left of the grace; close()
                        // would wait its own stop timeout again while a run is stuck: leave a
                        // stuck scheduler to closeTheRest, whose wait is bounded.
                        if (((Scheduler) p).stop(Duration.ofNanos(left(deadline)))) {
                            p.close();
                        }
                    } else {
                        p.close();
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, describe(p) + ": closing it failed", e);
                }
                interrupted |= Thread.interrupted();
            }
            closeTogether(pipelines);
        }

        /**
         * Closes pipelines each on a thread of its own and waits for those closes together: a
         * pipeline's close waits for its {@code executeAsync} executions (2 s, then 1 s for the
         * cancelled ones), so one after the other, N busy pipelines would take N times that, past
         * the bound this close promises. Waits at most {@link #PIPELINE_CLOSE} plus the interrupt
         * bound; a close still going on then goes on in its thread ({@code goflow-close-...}).
         */
        private void closeTogether(List<Primitive> pipelines) {
            if (pipelines.size() == 1) {
                closeLogged(pipelines.get(0));
                interrupted |= Thread.interrupted();
                return;
            }
            List<Thread> closers = new ArrayList<>();
            for (Primitive p : pipelines) {
                Thread t = new Thread(() -> closeLogged(p), "goflow-close-" + owner + "-" + p.name());
                t.setDaemon(true);
                try {
                    t.start();
                    closers.add(t);
                } catch (RuntimeException | Error e) { // no thread to be had: close it here
                    closeLogged(p);
                    interrupted |= Thread.interrupted();
                }
            }
            long until = System.nanoTime() + PIPELINE_CLOSE.plus(bound).toNanos();
            interrupted |= !interrupted && !BoundedPark.joinUntil(closers, until);
            for (Thread t : closers) {
                if (t.isAlive()) {
                    LOG.log(Level.WARNING, "goflow: " + t.getName() + " is still closing its pipeline; it goes on in "
                            + "that thread");
                }
            }
        }

        /** Closes {@code p}, logging a failure; on any thread (it leaves {@code interrupted} alone). */
        private void closeLogged(Primitive p) {
            try {
                p.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, describe(p) + ": closing it failed", e);
            }
        }

        /**
         * Stops gracefully until {@code until}, then now, waits the interrupt bound, and abandons
         * what has still not stopped.
         */
        private void stopInSteps(List<Stoppable> all, long until, String stopNowLabel, String lingerUntil) {
            for (Stoppable s : all) {
                s.stopGracefully();
            }
            List<Stoppable> busy = awaitStopped(all, until);
            for (Stoppable s : busy) {
                LOG.log(Level.WARNING, describe((Primitive) s) + ": still running after the grace of " + grace
                        + ": " + stopNowLabel + (s instanceof WorkerPool ? " (running tasks are cancelled and interrupted)"
                                : " (its thread is interrupted; what it holds is given up)"));
                s.stopNow();
            }
            List<Stoppable> stuck = awaitStopped(busy, System.nanoTime() + Durations.toNanosSaturated(bound));
            for (Stoppable s : stuck) {
                Primitive p = (Primitive) s;
                List<Thread> threads = s.abandon("it did not stop within the grace of " + grace + " and a further "
                        + bound + " after " + stopNowLabel);
                if (threads.isEmpty()) {
                    continue; // it stopped just now
                }
                StringBuilder sb = new StringBuilder(describe(p)).append(": still running after the grace of ")
                        .append(grace).append(", ").append(stopNowLabel).append(" and a further ").append(bound)
                        .append("; abandoned: its threads end when their ").append(lingerUntil).append(':');
                for (Thread t : threads) {
                    sb.append(' ').append(StuckThreads.describe(t));
                }
                LOG.log(Level.WARNING, sb.toString());
            }
        }

        /** Waits for each until {@code until} (real time); returns those not stopped. */
        private List<Stoppable> awaitStopped(List<Stoppable> all, long until) {
            List<Stoppable> notStopped = new ArrayList<>();
            for (Stoppable s : all) {
                if (!interrupted) {
                    try {
                        s.stopped().get(left(until), TimeUnit.NANOSECONDS);
                    } catch (TimeoutException e) {
                        // not stopped
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        throw new AssertionError(e); // never completed exceptionally
                    }
                }
                if (!s.stopped().isDone()) {
                    notStopped.add(s);
                }
            }
            return notStopped;
        }

        /**
         * Closes the GoFlow (what is left: limiters, stopped pools and writers, schedulers) on a
         * thread of its own, waited for at most the interrupt bound.
         */
        private void closeTheRest() {
            Thread closer = new Thread(() -> {
                try {
                    goflow.close();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.WARNING, "closing the goflow of " + owner + " failed", e);
                }
            }, "goflow-close-" + owner);
            closer.setDaemon(true);
            closer.start();
            if (!interrupted) {
                try {
                    closer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Durations.toNanosSaturated(bound))));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (closer.isAlive()) {
                List<String> left = new ArrayList<>();
                for (Primitive p : goflow.registry().primitives()) {
                    left.add(p.kind().label() + " '" + p.name() + "'");
                }
                LOG.log(Level.WARNING, "the goflow of " + owner + " is still closing after the grace of " + grace
                        + " and a further " + bound + " (" + String.join(", ", left)
                        + "); it goes on in thread " + closer.getName());
            }
        }

        private String describe(Primitive p) {
            return p.kind().label() + " '" + p.name() + "' of " + owner;
        }
    }

    private static long left(long until) {
        return Math.max(0, until - System.nanoTime());
    }
}
