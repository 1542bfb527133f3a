package goflow.impl.schedule;

import java.time.Duration;
import java.time.Instant;

import goflow.api.InvalidConfigException;
import goflow.api.schedule.Backoff;
import goflow.api.schedule.Cron;
import goflow.api.schedule.Job;
import goflow.api.schedule.LeaseProvider;
import goflow.api.schedule.OverlapPolicy;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.TaskBuilder;
import goflow.impl.internal.Check;
import goflow.impl.internal.Durations;

/** The {@link TaskBuilder}. Not thread-safe; schedules at most one task. */
final class TaskBuilderImpl implements TaskBuilder {
    /** The shortest time to live of a once-per-cluster lease (renewed every third of it). */
    static final Duration MIN_LEASE_TTL = Duration.ofMillis(10);

    private final SchedulerImpl scheduler;
    private final Job job;
    private final String component;
    private String id;
    private OverlapPolicy overlap;
    private Backoff backoff;
    private Duration initialDelay;
    private LeaseProvider leases;
    private Duration leaseTtl;
    private boolean scheduled;

    TaskBuilderImpl(SchedulerImpl scheduler, Job job) {
        this.scheduler = scheduler;
        this.job = job;
        this.component = scheduler.name;
    }

    @Override
    public TaskBuilder id(String value) {
        Check.setOnce(component, "id", id != null, value);
        Check.notNull(component, "id", value);
        if (value.isEmpty() || value.length() > 255) {
            throw new InvalidConfigException(component, "id", value, "must have 1 to 255 characters", "");
        }
        id = value;
        return this;
    }

    @Override
    public TaskBuilder overlap(OverlapPolicy value) {
        Check.setOnce(component, "overlap", overlap != null, value);
        overlap = Check.notNull(component, "overlap", value);
        return this;
    }

    @Override
    public TaskBuilder retry(Backoff value) {
        Check.setOnce(component, "retry", backoff != null, value);
        backoff = Check.notNull(component, "retry", value);
        return this;
    }

    @Override
    public TaskBuilder initialDelay(Duration value) {
        Check.setOnce(component, "initialDelay", initialDelay != null, value);
        initialDelay = Check.notNegative(component, "initialDelay", value, "when a repeating task first runs");
        return this;
    }

    @Override
    public TaskBuilder oncePerCluster(LeaseProvider provider, Duration ttl) {
        Check.setOnce(component, "oncePerCluster", leases != null, provider);
        Check.notNull(component, "leases", provider);
        // both checked before either is kept: a refused call must leave the builder as it was
        leaseTtl = checkLeaseTtl(component, ttl);
        leases = provider;
        return this;
    }

    /** Validates the time to live of a once-per-cluster lease. */
    static Duration checkLeaseTtl(String component, Duration ttl) {
        Check.notNull(component, "leaseTtl", ttl);
        if (ttl.compareTo(MIN_LEASE_TTL) < 0) {
            throw new InvalidConfigException(component, "leaseTtl", ttl, "must be at least 10 ms",
                    "how long a node keeps a task's lease without renewing it; longer than the clock skew "
                            + "between the nodes");
        }
        return ttl;
    }

    @Override
    public ScheduledTask once(Duration delay) {
        Check.notNegative(component, "delay", delay, "how long until the task runs");
        onlyRepeating("once");
        return add(TaskImpl.Kind.ONCE, Durations.toNanosSaturated(delay), 0, null, null);
    }

    @Override
    public ScheduledTask at(Instant time) {
        Check.notNull(component, "time", time);
        onlyRepeating("at");
        return add(TaskImpl.Kind.AT, 0, 0, time, null);
    }

    @Override
    public ScheduledTask every(Duration period) {
        String hint = "the time between the starts of two runs";
        Check.positive(component, "period", period, hint);
        atLeastMinimum("period", period, hint);
        onlyOneShot("every");
        long first = Durations.toNanosSaturated(initialDelay == null ? period : initialDelay);
        return add(TaskImpl.Kind.RATE, first, Durations.toNanosSaturated(period), null, null);
    }

    @Override
    public ScheduledTask withFixedDelay(Duration delay) {
        String hint = "the time between the end of a run and the next start";
        Check.positive(component, "delay", delay, hint);
        atLeastMinimum("delay", delay, hint);
        onlyOneShot("withFixedDelay");
        if (overlap != null) { // as once and at reject it: the policy could not apply
            throw new InvalidConfigException(component, "overlap", overlap, "applies only to every and cron",
                    "a fixed-delay task (withFixedDelay) never overlaps itself: its next run starts a delay after "
                            + "the previous one ended");
        }
        long first = Durations.toNanosSaturated(initialDelay == null ? delay : initialDelay);
        return add(TaskImpl.Kind.DELAY, first, Durations.toNanosSaturated(delay), null, null);
    }

    @Override
    public ScheduledTask cron(String expression) {
        return cron(CronExpression.parse(expression, scheduler.zone));
    }

    @Override
    public ScheduledTask cron(Cron cron) {
        Check.notNull(component, "cron", cron);
        onlyOneShot("cron");
        if (initialDelay != null) {
            throw new InvalidConfigException(component, "initialDelay", initialDelay,
                    "applies only to every and withFixedDelay", "a cron task first runs when its expression fires");
        }
        CronExpression parsed = cron instanceof CronExpression ? (CronExpression) cron
                : CronExpression.parse(cron.expression(), cron.zone());
        return add(TaskImpl.Kind.CRON, 0, 0, null, parsed);
    }

    /** Rejects a period or delay of a repeating task under {@link SchedulerImpl#MIN_PERIOD}. */
    private void atLeastMinimum(String field, Duration value, String hint) {
        if (value.compareTo(SchedulerImpl.MIN_PERIOD) < 0) {
            throw new InvalidConfigException(component, field, value, "must be at least 1 ms; a shorter " + field
                    + " keeps a core busy with scheduling", hint);
        }
    }

    /** Options that only one-shot tasks take. */
    private void onlyOneShot(String method) {
        if (backoff != null) {
            throw new InvalidConfigException(component, "retry", backoff, "applies only to one-shot tasks (once, at)",
                    "a repeating task (" + method + ") runs again at its next time anyway");
        }
    }

    /** Options that only repeating tasks take. */
    private void onlyRepeating(String method) {
        if (initialDelay != null) {
            throw new InvalidConfigException(component, "initialDelay", initialDelay,
                    "applies only to every and withFixedDelay", "give " + method + " the time directly");
        }
        if (overlap != null) {
            throw new InvalidConfigException(component, "overlap", overlap, "applies only to repeating tasks",
                    "a one-shot task (" + method + ") never overlaps itself");
        }
    }

    private ScheduledTask add(TaskImpl.Kind kind, long first, long period, Instant at, CronExpression cron) {
        if (scheduled) {
            throw new IllegalStateException("this task builder already scheduled a task");
        }
        OverlapPolicy policy = overlap == null ? scheduler.overlap : overlap;
        LeaseProvider provider = leases != null ? leases : scheduler.leases;
        Duration ttl = leases != null ? leaseTtl : scheduler.leaseTtl;
        if (provider != null && id != null) { // a generated id (task-<n>) always fits
            ClusterLease.checkName(scheduler.name, id);
        }
        TaskImpl task = scheduler.add(id, taskId -> new TaskImpl(scheduler, taskId, job, kind, first, period, at, cron,
                policy, backoff, provider == null ? null : new ClusterLease(provider, ttl, scheduler.name, taskId)));
        scheduled = true;
        return task;
    }
}
