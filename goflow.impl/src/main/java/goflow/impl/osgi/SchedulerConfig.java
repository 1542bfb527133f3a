package goflow.impl.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of a scheduler (factory PID {@value #PID}). */
@ObjectClassDefinition(id = SchedulerConfig.PID, name = "goflow scheduler",
        description = "A named, started scheduler with its own worker pool, registered as a "
                + "goflow.api.schedule.Scheduler service with goflow.name; bundles add jobs to it. The worker count "
                + "changes live; other changes recreate it (its jobs are then gone).")
public @interface SchedulerConfig {
    /** The factory PID. */
    String PID = "goflow.scheduler";

    /**
     * The name.
     *
     * @return the name, or empty for the configuration's name or a generated one
     */
    @AttributeDefinition(name = "Name", required = false,
            description = "Unique name. Default: the name of the factory configuration, else generated.")
    String name() default "";

    /**
     * The number of workers of the scheduler's own pool.
     *
     * @return at least 1
     */
    @AttributeDefinition(name = "Workers", min = "1", description = "Threads running jobs. Changes live.")
    int workers() default 2;

    /**
     * The time zone of cron expressions.
     *
     * @return a zone id, or empty for the system default
     */
    @AttributeDefinition(name = "Time zone", required = false,
            description = "Time zone of cron expressions, e.g. Europe/Berlin; empty for the system default.")
    String zone() default "";

    /**
     * How long stopping waits for running jobs.
     *
     * @return an ISO-8601 duration, or empty for the scheduler's default
     */
    @AttributeDefinition(name = "Stop timeout", required = false,
            description = "How long stopping waits for running jobs, as an ISO-8601 duration (e.g. PT10S).")
    String stopTimeout() default "";

    /**
     * The lease provider that makes every task of this scheduler run once per cluster.
     *
     * @return the {@code goflow.lease.name} of a LeaseProvider service, or empty for none
     */
    @AttributeDefinition(name = "Leases", required = false,
            description = "The goflow.lease.name of a goflow.api.schedule.LeaseProvider service (goflow.redis registers "
                    + "'redis'): every task then runs once per cluster, on the node that holds its lease. While no such "
                    + "service is registered, runs are skipped (never run on every node). Empty: tasks run on every node.")
    String leases() default "";

    /**
     * How long a node keeps a task's lease without renewing it.
     *
     * @return an ISO-8601 duration
     */
    @AttributeDefinition(name = "Lease time to live", required = false,
            description = "With leases: how long a node keeps a task's lease without renewing it (renewed every third "
                    + "of it while a run lasts), as an ISO-8601 duration; longer than the clock skew between nodes.")
    String leaseTtl() default "PT30S";
}
