package goflow.api.schedule;

import org.osgi.annotation.versioning.ConsumerType;

import goflow.api.context.Context;

/**
 * The work a {@link Scheduler} runs: once, repeatedly, or by cron.
 *
 * <p>Each run gets its own context, done when the task is {@link ScheduledTask#cancel() cancelled},
 * when the scheduler is {@link Scheduler#stop() stopped} or closed, or when the worker pool cancels
 * it (its task timeout, {@code shutdownNow()}). A long run should check it
 * ({@link Context#isDone()}, {@link Context#throwIfDone()}) or block only in operations that honour
 * it or thread interruption.
 *
 * <p>Implementations must be thread-safe when runs may overlap ({@link OverlapPolicy#ALLOW});
 * with the default {@link OverlapPolicy#SKIP} runs of one task never overlap, and each run
 * happens-before the next one starts.
 */
@ConsumerType
@FunctionalInterface
public interface Job {

    /**
     * Does the work of one run.
     *
     * @param ctx the run's context
     * @throws Exception anything: the run is recorded as failed (or cancelled, when {@code ctx} was
     *     done) and the schedule continues
     */
    void run(Context ctx) throws Exception;
}
