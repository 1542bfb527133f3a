package goflow.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;

import goflow.api.Primitive;

/**
 * The judgement of each health check: from the frame at the start of the window ({@link Window#then},
 * possibly without a primitive created since, whose figures then count from zero) and a frame
 * taken now, one log entry per primitive of the family; the check's status is the worst entry.
 * Windowed messages name the time the frames cover ({@link Window#text}), which is less than the
 * window when the history is shorter.
 *
 * <p>Stateless and thread-safe.
 */
final class HealthRules {
    private HealthRules() {
    }

    /** Pools: the fraction of the queue in use now (with no queue: all workers busy). */
    static ResultLog pools(Frame now, Thresholds t) {
        ResultLog log = new ResultLog();
        for (Frame.Row r : rows(now, Set.of(Primitive.Kind.WORKER_POOL), log)) {
            double capacity = r.number("queueCapacity");
            double queued = r.number("queued");
            double busy = r.number("busy");
            double workers = r.number("workers");
            double fill = capacity > 0 ? queued / capacity : (workers > 0 && busy >= workers ? 1 : 0);
            Result.Status s = level(fill, t.poolWarn(), t.poolCritical());
            log.add(new ResultLog.Entry(s, String.format(Locale.ROOT, "worker pool '%s': queue %.0f/%.0f (%.0f%%), %.0f/%.0f"
                    + " workers busy%s", r.info().name(), queued, capacity, fill * 100, busy, workers, limits(s,
                    t.poolWarn(), t.poolCritical(), "of the queue"))));
        }
        return orNone(log, "worker pool");
    }

    /** Limiters: the fraction of the requests refused in the window. */
    static ResultLog limiters(Window w, Frame now, Thresholds t) {
        ResultLog log = new ResultLog();
        for (Frame.Row r : rows(now, Set.of(Primitive.Kind.TOKEN_BUCKET, Primitive.Kind.LEAKY_BUCKET,
                Primitive.Kind.KEYED_RATE_LIMITER, Primitive.Kind.CONCURRENCY_LIMITER, Primitive.Kind.ADAPTIVE_LIMITER),
                log)) {
            boolean permits = r.info().kind() == Primitive.Kind.CONCURRENCY_LIMITER
                    || r.info().kind() == Primitive.Kind.ADAPTIVE_LIMITER;
            double[] d = deltas(w.then(), r, permits ? "acquired" : "allowed", permits ? "rejected" : "denied");
            double ok = d[0];
            double refused = d[1];
            judge(log, r, ok + refused, refused, t.limiterMinRequests(), t.limiterWarn(), t.limiterCritical(), w,
                    "requests refused");
        }
        return orNone(log, "limiter");
    }

    /** Pipelines: the fraction of the executions failed in the window. */
    static ResultLog pipelines(Window w, Frame now, Thresholds t) {
        ResultLog log = new ResultLog();
        for (Frame.Row r : rows(now, Set.of(Primitive.Kind.PIPELINE), log)) {
            double[] d = deltas(w.then(), r, "executions", "failures");
            judge(log, r, d[0], d[1], t.pipelineMinExecutions(),
                    t.pipelineWarn(), t.pipelineCritical(), w, "executions failed");
        }
        return orNone(log, "pipeline");
    }

    /**
     * Schedulers: a task fails repeatedly when its last run failed and every one of its runs in the
     * window failed; the count of those runs is judged.
     */
    static ResultLog schedulers(Window w, Frame now, Thresholds t) {
        ResultLog log = new ResultLog();
        for (Frame.Row r : rows(now, Set.of(Primitive.Kind.SCHEDULER), log)) {
            Set<String> tasks = new TreeSet<>();
            for (String figure : r.figures().keySet()) {
                // "task.runs" (a plugin's figure) starts and ends so, sharing the dot, and names no task
                if (figure.length() >= "task..runs".length() && figure.startsWith("task.")
                        && figure.endsWith(".runs")) {
                    tasks.add(figure.substring("task.".length(), figure.length() - ".runs".length()));
                }
            }
            Result.Status worst = Result.Status.OK;
            for (String task : tasks) {
                String p = "task." + task + ".";
                double[] d = deltas(w.then(), r, p + "runs", p + "failures");
                double runs = d[0];
                double failures = d[1];
                boolean lastFailed = Boolean.TRUE.equals(r.figures().get(p + "lastFailed"));
                if (!lastFailed || failures < runs || failures == 0) {
                    continue;
                }
                Result.Status s = level(failures, t.schedulerWarn(), t.schedulerCritical());
                if (s != Result.Status.OK) {
                    log.add(new ResultLog.Entry(s, String.format(Locale.ROOT, "scheduler '%s': task '%s' failed its last"
                            + " %.0f runs %s, none succeeded%s", r.info().name(), task, failures, w.text(),
                            limits(s, t.schedulerWarn(), t.schedulerCritical(), "failed runs"))));
                    worst = s;
                }
            }
            if (worst == Result.Status.OK) {
                log.add(new ResultLog.Entry(Result.Status.OK, String.format(Locale.ROOT,
                        "scheduler '%s': %d tasks, none failing repeatedly", r.info().name(), tasks.size())));
            }
        }
        return orNone(log, "scheduler");
    }

    /** Writers: failed writes and flushes in the window; any byte discarded is critical. */
    static ResultLog writers(Window w, Frame now, Thresholds t) {
        ResultLog log = new ResultLog();
        for (Frame.Row r : rows(now, Set.of(Primitive.Kind.ASYNC_WRITER), log)) {
            // bytes accepted only grow: they tell a writer re-created under the same name too
            double[] d = deltas(w.then(), r, "errors", "bytesDiscarded", "bytesAccepted");
            double errors = d[0];
            double discarded = d[1];
            Result.Status s = discarded > 0 ? Result.Status.CRITICAL : level(errors, t.writerWarn(), t.writerCritical());
            log.add(new ResultLog.Entry(s, String.format(Locale.ROOT, "async writer '%s': %.0f errors and %.0f bytes"
                    + " discarded %s%s", r.info().name(), errors, discarded, w.text(),
                    discarded > 0 ? " (discarded bytes are CRITICAL)" : limits(s, t.writerWarn(), t.writerCritical(),
                            "errors"))));
        }
        return orNone(log, "async writer");
    }

    private static void judge(ResultLog log, Frame.Row r, double total, double bad, long minimum, double warn,
            double critical, Window w, String what) {
        String name = r.info().kind().label() + " '" + r.info().name() + "'";
        if (total < minimum) {
            log.add(new ResultLog.Entry(Result.Status.OK, String.format(Locale.ROOT, "%s: %.0f of %.0f %s %s"
                    + " (fewer than %d: not judged)", name, bad, total, what, w.text(), minimum)));
            return;
        }
        double ratio = bad / total;
        Result.Status s = level(ratio, warn, critical);
        log.add(new ResultLog.Entry(s, String.format(Locale.ROOT, "%s: %.0f of %.0f %s %s (%.1f%%)%s", name, bad,
                total, what, w.text(), ratio * 100, limits(s, warn, critical, ""))));
    }

    private static Result.Status level(double value, double warn, double critical) {
        return value >= critical ? Result.Status.CRITICAL : value >= warn ? Result.Status.WARN : Result.Status.OK;
    }

    private static String limits(Result.Status s, double warn, double critical, String unit) {
        String u = unit.isEmpty() ? "" : " " + unit;
        if (s == Result.Status.CRITICAL) {
            return String.format(Locale.ROOT, ", CRITICAL at %s%s", number(critical), u);
        }
        if (s == Result.Status.WARN) {
            return String.format(Locale.ROOT, ", WARN at %s%s", number(warn), u);
        }
        return "";
    }

    private static String number(double d) {
        return d == Math.rint(d) && d >= 1 ? Long.toString((long) d) : (d * 100 == Math.rint(d * 100)
                ? String.format(Locale.ROOT, "%.0f%%", d * 100) : Double.toString(d));
    }

    /**
     * The increase of each counter since {@code then} (0 for one absent now). A primitive re-created
     * under the same name and owner since then (a counter went down) counts every one from zero
     * again, together: one counted from zero beside another counted from the old instance's value
     * would judge a ratio of neither.
     */
    private static double[] deltas(PastFrame then, Frame.Row now, String... figures) {
        double[] current = new double[figures.length];
        double[] d = new double[figures.length];
        boolean recreated = false;
        for (int i = 0; i < figures.length; i++) {
            double c = now.number(figures[i]);
            current[i] = Double.isNaN(c) ? 0 : c;
            double before = then == null || !then.has(now.key()) ? 0 : then.number(now.key(), figures[i]);
            d[i] = current[i] - (Double.isNaN(before) ? 0 : before);
            recreated |= d[i] < 0;
        }
        return recreated ? current : d;
    }

    /**
     * The rows of the family to judge; one whose figures could not be read is not judged (its
     * figures are not there: it would be OK on nothing) but written to {@code log} at WARN, saying so.
     */
    private static List<Frame.Row> rows(Frame frame, Set<Primitive.Kind> kinds, ResultLog log) {
        List<Frame.Row> rows = new ArrayList<>();
        for (Frame.Row r : frame.rows()) {
            if (!kinds.contains(r.info().kind())) {
                continue;
            }
            if (r.readable()) {
                rows.add(r);
            } else {
                log.add(new ResultLog.Entry(Result.Status.WARN, r.info().kind().label() + " '" + r.info().name()
                        + "': its figures cannot be read (see the log of goflow.web); not judged"));
            }
        }
        return rows;
    }

    private static ResultLog orNone(ResultLog log, String what) {
        if (!log.iterator().hasNext()) {
            log.add(new ResultLog.Entry(Result.Status.OK, "no " + what + " is live"));
        }
        return log;
    }
}
