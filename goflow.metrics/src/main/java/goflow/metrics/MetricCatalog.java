package goflow.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import goflow.api.Primitive;

/**
 * Every metric family of goflow: for each kind of primitive, the figure names of its
 * {@link goflow.api.inspect.Stats#toMap()} mapped to a {@link Metric} named
 * {@code goflow_<kind>_<figure>} (the kind's label with underscores). Pipeline stages have their
 * own families, {@code goflow_pipeline_stage_<figure>}, labelled with the stage name.
 *
 * <p>Durations are in seconds, instants in seconds since the epoch, booleans 0 or 1, counters end
 * in {@code _total}. A figure this catalogue does not know (a newer goflow.api) still becomes a
 * gauge named after it ({@link #undocumented(String, String)}), so no figure is hidden.
 *
 * <p>Immutable and thread-safe.
 */
public final class MetricCatalog {
    /** The family prefix of pipeline stages. */
    public static final String STAGE_PREFIX = "pipeline_stage";
    /** The label naming a pipeline stage. */
    public static final String STAGE_LABEL = "stage";
    /** Stage plugins a configured pipeline waits for (goflow.web computes it from the plugins present). */
    public static final Metric PIPELINE_MISSING_STAGES = new Metric("goflow_pipeline_missing_stages", Metric.Type.GAUGE,
            "", "Stage plugins a pipeline configured by stage names waits for (0: ready).");

    /** The name suffixes of other types than a gauge, which {@link #undocumented} never ends in. */
    private static final List<String> RESERVED_SUFFIXES = List.of("_total", "_count", "_sum", "_bucket");
    private static final String LIMITED = "Admissions that";
    /** prefix -> figure -> metric, in display order. */
    private static final Map<String, Map<String, Metric>> FAMILIES = new LinkedHashMap<>();

    static {
        for (String p : List.of("token_bucket", "leaky_bucket")) {
            String what = p.equals("token_bucket") ? "token bucket" : "leaky bucket";
            add(p, "rate", "rate_per_second", "", "The configured rate of the " + what
                    + " in events per second (+Inf admits all).");
            add(p, "burst", "burst", "", p.equals("token_bucket") ? "The most tokens the bucket holds (admits at once)."
                    : "The capacity of the bucket (requests it holds at once).");
            add(p, "tokens", "tokens", "", "Tokens available now (fractional; negative while reservations wait).");
            add(p, "allowed", "allowed_total", "", "Requests admitted.");
            add(p, "denied", "denied_total", "", "Requests refused (allow() returned false, or a wait was refused).");
            add(p, "waited", "waited_total", "", LIMITED + " had to wait (await, reserve with a delay).");
            add(p, "cancelled", "cancelled_total", "", "Waits and reservations cancelled before admission.");
        }
        String c = "concurrency_limiter";
        add(c, "capacity", "capacity", "", "Permits the limiter grants at once.");
        add(c, "inUse", "in_use", "", "Permits held now.");
        add(c, "available", "available", "", "Permits free now.");
        add(c, "waiting", "waiting", "", "Callers waiting for permits now.");
        add(c, "fair", "fair", "", "1 if waiters are served first-come first-served, else 0.");
        add(c, "acquired", "acquired_total", "", "Acquisitions granted.");
        add(c, "rejected", "rejected_total", "", "Acquisitions refused (tryAcquire found no permit).");
        add(c, "waited", "waited_total", "", "Acquisitions that had to wait.");
        add(c, "cancelled", "cancelled_total", "", "Waits cancelled or timed out before a grant.");
        String a = "adaptive_limiter";
        add(a, "algorithm", "algorithm", "", "1, with the algorithm (aimd, vegas, gradient) as the label algorithm.");
        add(a, "limit", "limit", "", "The limit now: the most permits held at once, as the algorithm measured it.");
        add(a, "minLimit", "min_limit", "", "The lowest the limit goes.");
        add(a, "maxLimit", "max_limit", "", "The highest the limit goes.");
        add(a, "inFlight", "in_flight", "", "Permits held now.");
        add(a, "waiting", "waiting", "", "Callers waiting for a permit now.");
        add(a, "acquired", "acquired_total", "", "Permits handed out.");
        add(a, "rejected", "rejected_total", "", "tryAcquirePermit calls that found the limiter full.");
        add(a, "succeeded", "succeeded_total", "", "Calls recorded as a success (each one a latency sample).");
        add(a, "dropped", "dropped_total", "", "Calls recorded as dropped (timeouts, overload): they lower the limit.");
        add(a, "ignored", "ignored_total", "", "Calls recorded as ignored (or closed without an outcome).");
        add(a, "windows", "windows_total", "", "Windows completed (each one an update of the limit).");
        add(a, "noLoadLatency", "no_load_latency_seconds", "seconds", "The no-load latency the algorithm compares "
                + "with (0 before the first sample, and for AIMD).");
        add(a, "lastLatency", "last_latency_seconds", "seconds", "The average latency of the last completed window.");
        add(a, "probing", "probing", "", "1 while a probe window measures the no-load latency (the limit pinned to "
                + "the minimum), else 0.");
        String k = "keyed_rate_limiter";
        add(k, "rate", "rate_per_second", "", "The rate of each key's bucket in events per second.");
        add(k, "burst", "burst", "", "The burst of each key's bucket.");
        add(k, "keys", "keys", "", "Keys tracked now.");
        add(k, "maxKeys", "max_keys", "", "The most keys tracked at once.");
        add(k, "idleTimeout", "idle_timeout_seconds", "seconds", "Idle time after which a key is evicted.");
        add(k, "allowed", "allowed_total", "", "Requests admitted, all keys.");
        add(k, "denied", "denied_total", "", "Requests refused, all keys.");
        add(k, "waited", "waited_total", "", LIMITED + " had to wait, all keys.");
        add(k, "evicted", "evicted_total", "", "Keys evicted (idle and full together).");
        add(k, "evictedIdle", "evicted_idle_total", "", "Keys evicted after their idle timeout.");
        add(k, "evictedFull", "evicted_full_total", "", "Keys evicted because the limiter held maxKeys.");
        String w = "worker_pool";
        add(w, "state", "state", "", "1 for the pool's life-cycle state (label state: RUNNING, SHUTTING_DOWN, TERMINATED).");
        add(w, "workers", "workers", "", "The target number of worker threads.");
        add(w, "busy", "busy", "", "Workers running a task now.");
        add(w, "queued", "queued", "", "Tasks waiting in the queue now.");
        add(w, "queueCapacity", "queue_capacity", "", "The queue's capacity.");
        add(w, "virtualThreads", "virtual_threads", "", "1 if the workers are virtual threads, else 0.");
        add(w, "submitted", "submitted_total", "", "Tasks accepted.");
        add(w, "completed", "completed_total", "", "Tasks finished with a result (any outcome).");
        add(w, "succeeded", "succeeded_total", "", "Tasks that returned a value.");
        add(w, "failed", "failed_total", "", "Tasks that threw (an exception or an Error).");
        add(w, "timedOut", "timed_out_total", "", "Tasks stopped by the task timeout.");
        add(w, "cancelled", "cancelled_total", "", "Tasks cancelled (queued or running).");
        add(w, "rejected", "rejected_total", "", "Submissions refused (queue full or shut down).");
        add(w, "averageTaskTime", "average_task_time_seconds", "seconds", "Mean run time of completed tasks.");
        add(w, "maxTaskTime", "max_task_time_seconds", "seconds", "Longest run time of a completed task.");
        String s = "scheduler";
        add(s, "running", "running", "", "1 while the scheduler is started, else 0.");
        add(s, "tasks", "tasks", "", "Scheduled tasks now.");
        add(s, "activeRuns", "active_runs", "", "Task runs in progress now.");
        add(s, "runs", "runs_total", "", "Task runs finished.");
        add(s, "succeeded", "succeeded_total", "", "Task runs that succeeded.");
        add(s, "failed", "failed_total", "", "Task runs that failed.");
        add(s, "cancelled", "cancelled_total", "", "Task runs cancelled.");
        add(s, "skipped", "skipped_total", "", "Runs skipped because the previous run of the task was still going.");
        add(s, "retries", "retries_total", "", "Retries of failed runs.");
        String pl = "pipeline";
        add(pl, "executions", "executions_total", "", "Executions finished (one item each).");
        add(pl, "successes", "successes_total", "", "Executions that succeeded.");
        add(pl, "failures", "failures_total", "", "Executions that failed (a stage failed, or a timeout).");
        add(pl, "totalDuration", "duration_seconds_total", "seconds", "Time spent in finished executions.");
        add(pl, "averageDuration", "average_duration_seconds", "seconds", "Mean duration of an execution.");
        add(pl, "maxDuration", "max_duration_seconds", "seconds", "Longest execution.");
        add(pl, "lastExecution", "last_execution_timestamp_seconds", "seconds",
                "When the last execution ended, seconds since the epoch (absent before the first).");
        add(pl, "inFlight", "in_flight", "", "Executions in the pipeline now.");
        add(pl, "stageCount", "stages", "", "Stages of the pipeline.");
        add(STAGE_PREFIX, "count", "calls_total", "", "Calls of the stage finished.");
        add(STAGE_PREFIX, "successes", "successes_total", "", "Calls of the stage that succeeded.");
        add(STAGE_PREFIX, "errors", "errors_total", "", "Calls of the stage that failed.");
        add(STAGE_PREFIX, "totalDuration", "duration_seconds_total", "seconds", "Time spent in the stage.");
        add(STAGE_PREFIX, "averageDuration", "average_duration_seconds", "seconds", "Mean duration of a call.");
        add(STAGE_PREFIX, "maxDuration", "max_duration_seconds", "seconds", "Longest call.");
        add(STAGE_PREFIX, "inFlight", "in_flight", "", "Calls of the stage running now.");
        String ch = "channel";
        add(ch, "sent", "sent_total", "", "Values accepted by send.");
        add(ch, "received", "received_total", "", "Values taken by receive.");
        add(ch, "dropped", "dropped_total", "", "Values dropped by the overflow strategy.");
        add(ch, "rejected", "rejected_total", "", "Sends refused (strategy ERROR, or closed).");
        add(ch, "blockedSends", "blocked_sends_total", "", "Sends that had to wait for room.");
        add(ch, "size", "size", "", "Values buffered now.");
        add(ch, "capacity", "capacity", "", "The buffer's capacity.");
        add(ch, "closed", "closed", "", "1 once the channel is closed, else 0.");
        String sc = "stream_consumer";
        add(sc, "read", "read_total", "", "Entries read from the outside stream (new ones and claimed ones).");
        add(sc, "acknowledged", "acknowledged_total", "", "Entries acknowledged: result written, or dead-lettered.");
        add(sc, "claimed", "claimed_total", "", "Entries claimed after they stayed unacknowledged for the idle time.");
        add(sc, "failed", "failed_total", "", "Deliveries that failed in the pipeline (delivered again later).");
        add(sc, "deadLettered", "dead_lettered_total", "", "Entries set aside in the dead-letter stream after their "
                + "last failed delivery.");
        add(sc, "inFlight", "in_flight", "", "Entries this consumer read and has not finished.");
        add(sc, "pending", "pending", "", "Entries of the whole group read and not acknowledged (-1: the stream's "
                + "server could not be asked).");
        add(sc, "running", "running", "", "1 while the consumer reads, else 0.");
        String aw = "async_writer";
        add(aw, "bytesAccepted", "accepted_bytes_total", "bytes", "Bytes accepted by write.");
        add(aw, "bytesWritten", "written_bytes_total", "bytes", "Bytes written to the output.");
        add(aw, "bytesPending", "pending_bytes", "bytes", "Bytes accepted and not yet written.");
        add(aw, "bytesDiscarded", "discarded_bytes_total", "bytes", "Accepted bytes given up (reported, never silent).");
        add(aw, "flushes", "flushes_total", "", "Flushes of the output.");
        add(aw, "errors", "errors_total", "", "Writes or flushes of the output that failed.");
        add(aw, "overflows", "overflows_total", "", "Writes refused or delayed because the buffer was full.");
        add(aw, "capacity", "capacity_bytes", "bytes", "The buffer's capacity.");
        add(aw, "closed", "closed", "", "1 once the writer is closed, else 0.");
    }

    private MetricCatalog() {
    }

    private static void add(String prefix, String figure, String suffix, String unit, String help) {
        Metric.Type type = suffix.endsWith("_total") ? Metric.Type.COUNTER : Metric.Type.GAUGE;
        FAMILIES.computeIfAbsent(prefix, x -> new LinkedHashMap<>())
                .put(figure, new Metric("goflow_" + prefix + "_" + suffix, type, unit, help));
    }

    /**
     * Returns the family prefix of a kind: its label with underscores.
     *
     * @param kind the kind
     * @return e.g. {@code token_bucket}
     */
    public static String prefix(Primitive.Kind kind) {
        return kind.label().replace('-', '_');
    }

    /**
     * Finds the metric of one figure of a kind of primitive.
     *
     * @param kind the primitive's kind
     * @param figure the figure's name in {@code stats().toMap()}
     * @return the metric, or empty when this catalogue does not know the figure
     */
    public static Optional<Metric> find(Primitive.Kind kind, String figure) {
        return find(prefix(kind), figure);
    }

    /**
     * Finds the metric of one figure of a family prefix ({@link #prefix(Primitive.Kind)} or
     * {@link #STAGE_PREFIX}).
     *
     * @param prefix the family prefix
     * @param figure the figure's name
     * @return the metric, or empty when this catalogue does not know the figure
     */
    public static Optional<Metric> find(String prefix, String figure) {
        return Optional.ofNullable(FAMILIES.getOrDefault(prefix, Map.of()).get(figure));
    }

    /**
     * Returns the metric for a figure this catalogue does not describe: a gauge named
     * {@code goflow_<prefix>_<figure in snake case>}, every character but an ASCII letter or digit
     * written as {@code _} (so a figure named in any language still gives a valid name), and
     * {@code _value} appended to a name ending in a suffix a gauge must not have: {@code _total}
     * (a counter's), {@code _count}, {@code _sum} or {@code _bucket} (a histogram's or summary's).
     *
     * @param prefix the family prefix
     * @param figure the figure's name
     * @return a gauge with a help text that says the figure is undocumented
     */
    public static Metric undocumented(String prefix, String figure) {
        String name = "goflow_" + prefix + "_" + snakeCase(figure);
        for (String reserved : RESERVED_SUFFIXES) {
            if (name.endsWith(reserved)) {
                name = name + "_value";
                break;
            }
        }
        return new Metric(name, Metric.Type.GAUGE, "", "The figure '" + figure
                + "' (not described by this goflow.metrics).");
    }

    /**
     * Returns a figure's name in snake case: {@code _} and the lower case letter for an ASCII
     * capital, {@code _} for every character but an ASCII letter or digit.
     *
     * @param figure a figure's name
     * @return the name, of characters {@code [a-z0-9_]} only
     */
    static String snakeCase(String figure) {
        StringBuilder snake = new StringBuilder();
        for (char ch : figure.toCharArray()) {
            if (ch >= 'A' && ch <= 'Z') {
                snake.append('_').append(Character.toLowerCase(ch));
            } else if (Character.isLetterOrDigit(ch) && ch < 128) {
                snake.append(ch);
            } else {
                snake.append('_');
            }
        }
        return snake.toString().toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the figures of one family prefix and their metrics.
     *
     * @param prefix the family prefix
     * @return an unmodifiable map from figure name to metric, in display order (empty for an unknown prefix)
     */
    public static Map<String, Metric> figures(String prefix) {
        return Collections.unmodifiableMap(FAMILIES.getOrDefault(prefix, Map.of()));
    }

    /**
     * Returns every family prefix, in display order.
     *
     * @return the prefixes, e.g. {@code token_bucket}, ..., {@code pipeline_stage}, ...
     */
    public static List<String> prefixes() {
        return List.copyOf(FAMILIES.keySet());
    }

    /**
     * Returns every metric of this catalogue, {@link #PIPELINE_MISSING_STAGES} included.
     *
     * @return the metrics in display order
     */
    public static List<Metric> all() {
        List<Metric> all = new ArrayList<>();
        FAMILIES.values().forEach(m -> all.addAll(m.values()));
        all.add(PIPELINE_MISSING_STAGES);
        return Collections.unmodifiableList(all);
    }
}
