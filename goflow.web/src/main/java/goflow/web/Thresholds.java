package goflow.web;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

import goflow.api.InvalidConfigException;

/**
 * The validated thresholds of the health checks ({@link HealthConfig}).
 *
 * @param window the window of the windowed checks
 * @param poolWarn pool queue fraction that warns
 * @param poolCritical pool queue fraction that is critical
 * @param limiterWarn limiter rejection ratio that warns
 * @param limiterCritical limiter rejection ratio that is critical
 * @param limiterMinRequests requests in the window below which a limiter is not judged
 * @param pipelineWarn pipeline failure ratio that warns
 * @param pipelineCritical pipeline failure ratio that is critical
 * @param pipelineMinExecutions executions in the window below which a pipeline is not judged
 * @param schedulerWarn consecutive failed runs of a task that warn
 * @param schedulerCritical consecutive failed runs of a task that are critical
 * @param writerWarn writer errors in the window that warn
 * @param writerCritical writer errors in the window that are critical
 */
record Thresholds(Duration window, double poolWarn, double poolCritical, double limiterWarn, double limiterCritical,
        long limiterMinRequests, double pipelineWarn, double pipelineCritical, long pipelineMinExecutions,
        long schedulerWarn, long schedulerCritical, long writerWarn, long writerCritical) {

    /** The defaults of {@link HealthConfig}. */
    static final Thresholds DEFAULTS = new Thresholds(Duration.ofMinutes(5), 0.8, 1.0, 0.5, 0.9, 20, 0.1, 0.5, 10,
            3, 10, 1, 10);

    Thresholds {
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofHours(24)) > 0) {
            throw invalid("window", window, "must be from PT1S to PT24H", "the period failures are counted over");
        }
        pair("pool.queue", poolWarn, poolCritical);
        pair("limiter.rejection", limiterWarn, limiterCritical);
        pair("pipeline.failure", pipelineWarn, pipelineCritical);
        counts("scheduler.failures", schedulerWarn, schedulerCritical);
        counts("writer.errors", writerWarn, writerCritical);
        if (limiterMinRequests < 1) {
            throw invalid("limiter.min.requests", limiterMinRequests, "must be at least 1", "");
        }
        if (pipelineMinExecutions < 1) {
            throw invalid("pipeline.min.executions", pipelineMinExecutions, "must be at least 1", "");
        }
    }

    /**
     * The thresholds of a configuration as DS hands it over; a value DS could not convert takes its
     * default, and a configuration that is out of range is logged and replaced by the defaults
     * ({@link ConfigDefaults}): a health check is never lost to a typo.
     */
    static Thresholds configured(HealthConfig config, Map<String, Object> properties) {
        try {
            return of(ConfigDefaults.of(HealthConfig.class, config, properties, HealthConfig.PID));
        } catch (InvalidConfigException e) {
            ConfigDefaults.rejected(HealthConfig.PID, e, "the default thresholds are used");
            return DEFAULTS;
        }
    }

    static Thresholds of(HealthConfig c) {
        Duration window;
        try {
            window = Duration.parse(c.window().trim());
        } catch (DateTimeParseException e) {
            throw invalid("window", c.window(), "must be an ISO-8601 duration", "e.g. PT5M");
        }
        return new Thresholds(window, c.pool_queue_warn(), c.pool_queue_critical(), c.limiter_rejection_warn(),
                c.limiter_rejection_critical(), c.limiter_min_requests(), c.pipeline_failure_warn(),
                c.pipeline_failure_critical(), c.pipeline_min_executions(), c.scheduler_failures_warn(),
                c.scheduler_failures_critical(), c.writer_errors_warn(), c.writer_errors_critical());
    }

    private static void pair(String name, double warn, double critical) {
        if (!(warn > 0 && warn <= 1)) {
            throw invalid(name + ".warn", warn, "must be a fraction above 0 and at most 1", "e.g. 0.8 for 80%");
        }
        if (!(critical >= warn && critical <= 1)) {
            throw invalid(name + ".critical", critical, "must be from " + name + ".warn (" + warn + ") to 1", "");
        }
    }

    private static void counts(String name, long warn, long critical) {
        if (warn < 1) {
            throw invalid(name + ".warn", warn, "must be at least 1", "");
        }
        if (critical < warn) {
            throw invalid(name + ".critical", critical, "must be at least " + name + ".warn (" + warn + ")", "");
        }
    }

    private static InvalidConfigException invalid(String field, Object value, String rule, String hint) {
        return new InvalidConfigException(HealthConfig.PID, field, value, rule, hint);
    }
}
