package goflow.impl.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of a worker pool (factory PID {@value #PID}). */
@ObjectClassDefinition(id = WorkerPoolConfig.PID, name = "goflow worker pool",
        description = "A named worker pool, registered as goflow.api.pool.WorkerPool and java.util.concurrent.Executor "
                + "services with goflow.name. The worker count changes live; other changes recreate the pool "
                + "(the old one completes its accepted tasks).")
public @interface WorkerPoolConfig {
    /** The factory PID. */
    String PID = "goflow.workerpool";

    /**
     * The name.
     *
     * @return the name, or empty for the configuration's name or a generated one
     */
    @AttributeDefinition(name = "Name", required = false,
            description = "Unique name. Default: the name of the factory configuration, else generated.")
    String name() default "";

    /**
     * The number of workers.
     *
     * @return at least 1
     */
    @AttributeDefinition(name = "Workers", min = "1", description = "Number of worker threads. Changes live.")
    int workers() default 4;

    /**
     * The most workers the pool may have.
     *
     * @return at least 1
     */
    @AttributeDefinition(name = "Max workers", min = "1", description = "The most workers the pool may have, now "
            + "and for every later resize (a typo such as workers=100000 is refused, not obeyed until the system "
            + "runs out of threads). Default 10000. A change recreates the pool.")
    int maxWorkers() default goflow.api.pool.WorkerPoolBuilder.DEFAULT_MAX_WORKERS;

    /**
     * The queue capacity.
     *
     * @return tasks waiting at most
     */
    @AttributeDefinition(name = "Queue capacity", min = "0", description = "Most tasks waiting for a worker.")
    int queueCapacity() default 1024;

    /**
     * The task timeout.
     *
     * @return an ISO-8601 duration, or empty for none
     */
    @AttributeDefinition(name = "Task timeout", required = false,
            description = "Per-task timeout as an ISO-8601 duration (e.g. PT5S); empty for none.")
    String taskTimeout() default "";

    /**
     * What a submit does when the queue is full.
     *
     * @return BLOCK or REJECT
     */
    @AttributeDefinition(name = "On queue full", description = "What submit does when the queue is full.",
            options = {@Option(label = "Block until there is room", value = "BLOCK"),
                @Option(label = "Reject at once", value = "REJECT")})
    String onQueueFull() default "BLOCK";

    /**
     * Virtual threads.
     *
     * @return whether workers are virtual threads (where the JVM has them)
     */
    @AttributeDefinition(name = "Virtual threads", description = "Run tasks on virtual threads where the JVM has them.")
    boolean virtualThreads() default false;

    /**
     * Whether the workers measure task run times.
     *
     * @return false to skip the clock read per task (no averageTaskTime and maxTaskTime)
     */
    @AttributeDefinition(name = "Measure task times", description = "Measure each task's run time (averageTaskTime, "
            + "maxTaskTime, each result's duration): one clock read per task. Turn off for very short tasks, "
            + "where that read is a large share of their cost. A change recreates the pool.")
    boolean measureTaskTimes() default true;
}
