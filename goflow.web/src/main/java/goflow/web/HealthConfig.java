package goflow.web;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The thresholds of goflow's health checks (PID {@value #PID}). A ratio is a fraction from 0 to 1;
 * every windowed figure is counted over the last {@code window}.
 */
@ObjectClassDefinition(id = HealthConfig.PID, name = "goflow health checks",
        description = "Thresholds of the Felix Health Checks tagged goflow (one per family of primitives).")
public @interface HealthConfig {
    /** The PID. */
    String PID = "goflow.health";

    /**
     * The window of the windowed checks.
     *
     * @return an ISO-8601 duration
     */
    @AttributeDefinition(name = "Window", description = "Period over which rejections, failures and errors are counted"
            + " (ISO-8601, from PT1S to PT24H; no further back than the sampler's history).")
    String window() default "PT5M";

    /**
     * Pool saturation that warns.
     *
     * @return a fraction of the queue
     */
    @AttributeDefinition(name = "Pool queue: WARN at", description = "Fraction of a pool's queue in use that gives WARN.")
    double pool_queue_warn() default 0.8;

    /**
     * Pool saturation that is critical.
     *
     * @return a fraction of the queue
     */
    @AttributeDefinition(name = "Pool queue: CRITICAL at",
            description = "Fraction of a pool's queue in use that gives CRITICAL (1: full, submissions wait or are refused).")
    double pool_queue_critical() default 1.0;

    /**
     * Limiter rejection ratio that warns.
     *
     * @return a fraction of the requests
     */
    @AttributeDefinition(name = "Limiter rejections: WARN at",
            description = "Fraction of a limiter's requests refused in the window that gives WARN.")
    double limiter_rejection_warn() default 0.5;

    /**
     * Limiter rejection ratio that is critical.
     *
     * @return a fraction of the requests
     */
    @AttributeDefinition(name = "Limiter rejections: CRITICAL at",
            description = "Fraction of a limiter's requests refused in the window that gives CRITICAL.")
    double limiter_rejection_critical() default 0.9;

    /**
     * Requests below which a limiter is not judged.
     *
     * @return a count
     */
    @AttributeDefinition(name = "Limiter: minimum requests",
            description = "A limiter with fewer requests in the window is not judged.")
    long limiter_min_requests() default 20;

    /**
     * Pipeline failure ratio that warns.
     *
     * @return a fraction of the executions
     */
    @AttributeDefinition(name = "Pipeline failures: WARN at",
            description = "Fraction of a pipeline's executions failed in the window that gives WARN.")
    double pipeline_failure_warn() default 0.1;

    /**
     * Pipeline failure ratio that is critical.
     *
     * @return a fraction of the executions
     */
    @AttributeDefinition(name = "Pipeline failures: CRITICAL at",
            description = "Fraction of a pipeline's executions failed in the window that gives CRITICAL.")
    double pipeline_failure_critical() default 0.5;

    /**
     * Executions below which a pipeline is not judged.
     *
     * @return a count
     */
    @AttributeDefinition(name = "Pipeline: minimum executions",
            description = "A pipeline with fewer executions in the window is not judged.")
    long pipeline_min_executions() default 10;

    /**
     * Consecutive failed runs of a task that warn.
     *
     * @return a count
     */
    @AttributeDefinition(name = "Scheduled task failures: WARN at",
            description = "Failed runs of one task in the window, none succeeding and the last failed, that give WARN.")
    long scheduler_failures_warn() default 3;

    /**
     * Consecutive failed runs of a task that are critical.
     *
     * @return a count
     */
    @AttributeDefinition(name = "Scheduled task failures: CRITICAL at",
            description = "Failed runs of one task in the window, none succeeding and the last failed, that give CRITICAL.")
    long scheduler_failures_critical() default 10;

    /**
     * Writer errors that warn.
     *
     * @return a count
     */
    @AttributeDefinition(name = "Writer errors: WARN at",
            description = "Failed writes or flushes of one async writer in the window that give WARN.")
    long writer_errors_warn() default 1;

    /**
     * Writer errors that are critical.
     *
     * @return a count
     */
    @AttributeDefinition(name = "Writer errors: CRITICAL at",
            description = "Failed writes or flushes of one async writer in the window that give CRITICAL (so does"
                    + " any byte discarded).")
    long writer_errors_critical() default 10;
}
