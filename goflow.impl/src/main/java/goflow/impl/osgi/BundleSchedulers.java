package goflow.impl.osgi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;

import goflow.api.schedule.Backoff;
import goflow.api.schedule.Cron;
import goflow.api.schedule.Job;
import goflow.api.schedule.LeaseProvider;
import goflow.api.schedule.OverlapPolicy;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.api.schedule.SchedulerStats;
import goflow.api.schedule.TaskBuilder;

/**
 * The service object of a configured scheduler: each bundle gets a view of the one scheduler that
 * remembers the tasks the bundle scheduled through it, and when the bundle ungets the service (or
 * stops, which ungets it) those tasks are cancelled (no run starts again; the contexts of active
 * runs are cancelled), so that no job of a stopped bundle runs on. Everything else is the
 * scheduler's, shared by every bundle.
 *
 * <p>Thread-safe: the framework calls the factory from any thread; each view's task set is concurrent.
 */
final class BundleSchedulers implements ServiceFactory<Scheduler> {
    private final Scheduler scheduler;

    BundleSchedulers(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public Scheduler getService(Bundle bundle, ServiceRegistration<Scheduler> registration) {
        return new View(scheduler);
    }

    @Override
    public void ungetService(Bundle bundle, ServiceRegistration<Scheduler> registration, Scheduler service) {
        ((View) service).cancelOwn();
    }

    /** One bundle's view: the scheduler, with the tasks scheduled through it remembered. */
    static final class View implements Scheduler {
        private final Scheduler scheduler;
        /** The tasks scheduled through this view that may still run; finished ones are dropped as more come. */
        private final Set<ScheduledTask> own = ConcurrentHashMap.newKeySet();
        /**
         * The size of {@link #own} at which the finished tasks are next dropped: twice what was
         * left after the last sweep (at least 64), so a bundle scheduling many tasks pays a sweep
         * per doubling, not one per task. A race between two schedules costs at most an extra sweep.
         */
        private volatile int sweepAt = 64;

        View(Scheduler scheduler) {
            this.scheduler = scheduler;
        }

        private ScheduledTask own(ScheduledTask task) {
            if (own.size() >= sweepAt) {
                own.removeIf(t -> t.state() != ScheduledTask.State.SCHEDULED);
                sweepAt = Math.max(64, 2 * own.size());
            }
            own.add(task);
            return task;
        }

        /** How many tasks this view remembers, for tests. */
        int remembered() {
            return own.size();
        }

        void cancelOwn() {
            for (ScheduledTask t : own) {
                t.cancel();
            }
            own.clear();
        }

        @Override
        public String name() {
            return scheduler.name();
        }

        @Override
        public Kind kind() {
            return scheduler.kind();
        }

        @Override
        public SchedulerStats stats() {
            return scheduler.stats();
        }

        @Override
        public void start() {
            scheduler.start();
        }

        @Override
        public boolean stop() {
            return scheduler.stop();
        }

        @Override
        public boolean stop(Duration timeout) {
            return scheduler.stop(timeout);
        }

        @Override
        public boolean isRunning() {
            return scheduler.isRunning();
        }

        @Override
        public ScheduledTask once(Duration delay, Job job) {
            return own(scheduler.once(delay, job));
        }

        @Override
        public ScheduledTask at(Instant time, Job job) {
            return own(scheduler.at(time, job));
        }

        @Override
        public ScheduledTask every(Duration period, Job job) {
            return own(scheduler.every(period, job));
        }

        @Override
        public ScheduledTask withFixedDelay(Duration delay, Job job) {
            return own(scheduler.withFixedDelay(delay, job));
        }

        @Override
        public ScheduledTask cron(String expression, Job job) {
            return own(scheduler.cron(expression, job));
        }

        @Override
        public ScheduledTask cron(Cron cron, Job job) {
            return own(scheduler.cron(cron, job));
        }

        @Override
        public TaskBuilder task(Job job) {
            return new OwnTask(scheduler.task(job), this::own);
        }

        @Override
        public Optional<ScheduledTask> task(String id) {
            return scheduler.task(id);
        }

        @Override
        public List<ScheduledTask> tasks() {
            return scheduler.tasks();
        }

        @Override
        public int cancelAll() {
            return scheduler.cancelAll();
        }

        @Override
        public void close() {
            scheduler.close();
        }

        @Override
        public String toString() {
            return scheduler.toString();
        }
    }

    /** A task builder whose scheduled task is remembered by its view. */
    private static final class OwnTask implements TaskBuilder {
        private final TaskBuilder builder;
        private final Function<ScheduledTask, ScheduledTask> own;

        OwnTask(TaskBuilder builder, Function<ScheduledTask, ScheduledTask> own) {
            this.builder = builder;
            this.own = own;
        }

        @Override
        public TaskBuilder id(String id) {
            builder.id(id);
            return this;
        }

        @Override
        public TaskBuilder overlap(OverlapPolicy policy) {
            builder.overlap(policy);
            return this;
        }

        @Override
        public TaskBuilder retry(Backoff backoff) {
            builder.retry(backoff);
            return this;
        }

        @Override
        public TaskBuilder initialDelay(Duration delay) {
            builder.initialDelay(delay);
            return this;
        }

        @Override
        public TaskBuilder oncePerCluster(LeaseProvider leases, Duration ttl) {
            builder.oncePerCluster(leases, ttl);
            return this;
        }

        @Override
        public ScheduledTask once(Duration delay) {
            return own.apply(builder.once(delay));
        }

        @Override
        public ScheduledTask at(Instant time) {
            return own.apply(builder.at(time));
        }

        @Override
        public ScheduledTask every(Duration period) {
            return own.apply(builder.every(period));
        }

        @Override
        public ScheduledTask withFixedDelay(Duration delay) {
            return own.apply(builder.withFixedDelay(delay));
        }

        @Override
        public ScheduledTask cron(String expression) {
            return own.apply(builder.cron(expression));
        }

        @Override
        public ScheduledTask cron(Cron cron) {
            return own.apply(builder.cron(cron));
        }
    }
}
