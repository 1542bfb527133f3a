package goflow.web;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import goflow.api.Primitive;
import goflow.metrics.MetricCatalog;
import goflow.metrics.Samples;

/**
 * The dashboard's state as JSON ({@code GET /goflow/api/state}): every live primitive with its
 * figures, its charts (the last {@value #POINTS} samples of the figures people watch), the plugins
 * present, and each configured pipeline's status (ready, or waiting for missing stages).
 *
 * <p>Stateless and thread-safe.
 */
final class DashboardState {
    /** Points per chart. */
    static final int POINTS = 120;

    private DashboardState() {
    }

    /** One chart: a figure read as a rate per second, a gauge, or a duration per call in ms. */
    private record Series(String title, String figure, Mode mode, String per) {
        static Series rate(String title, String figure) {
            return new Series(title, figure, Mode.RATE, null);
        }

        static Series gauge(String title, String figure) {
            return new Series(title, figure, Mode.GAUGE, null);
        }

        static Series millisPer(String title, String totalDuration, String count) {
            return new Series(title, totalDuration, Mode.MILLIS_PER, count);
        }
    }

    private enum Mode { RATE, GAUGE, MILLIS_PER }

    private static List<Series> series(Primitive.Kind kind, Map<String, Object> figures) {
        switch (kind) {
            case TOKEN_BUCKET:
            case LEAKY_BUCKET:
            case KEYED_RATE_LIMITER:
                return List.of(Series.rate("admitted /s", "allowed"), Series.rate("denied /s", "denied"));
            case CONCURRENCY_LIMITER:
                return List.of(Series.rate("acquired /s", "acquired"), Series.rate("rejected /s", "rejected"),
                        Series.gauge("in use", "inUse"));
            case ADAPTIVE_LIMITER:
                return List.of(Series.gauge("limit", "limit"), Series.gauge("in flight", "inFlight"),
                        Series.rate("succeeded /s", "succeeded"), Series.rate("dropped /s", "dropped"));
            case WORKER_POOL:
                return List.of(Series.gauge("queue depth", "queued"), Series.gauge("busy workers", "busy"),
                        Series.rate("completed /s", "completed"));
            case SCHEDULER:
                return List.of(Series.rate("runs /s", "runs"), Series.rate("failed /s", "failed"));
            case PIPELINE: {
                List<Series> list = new ArrayList<>(List.of(Series.rate("throughput /s", "executions"),
                        Series.rate("failures /s", "failures"),
                        Series.millisPer("latency ms", "totalDuration", "executions")));
                for (String stage : stages(figures)) {
                    String p = "stage." + stage + ".";
                    list.add(Series.millisPer("stage " + stage + " ms", p + "totalDuration", p + "count"));
                }
                return list;
            }
            case CHANNEL:
                return List.of(Series.rate("sent /s", "sent"), Series.gauge("size", "size"));
            case STREAM_CONSUMER:
                return List.of(Series.rate("read /s", "read"), Series.rate("acknowledged /s", "acknowledged"),
                        Series.gauge("in flight", "inFlight"), Series.gauge("pending", "pending"));
            case ASYNC_WRITER:
                return List.of(Series.rate("written B/s", "bytesWritten"), Series.gauge("pending B", "bytesPending"));
            default:
                return List.of();
        }
    }

    /** How long the charts' {@link #POINTS} samples cover, as the page's footer says it: "2 minutes". */
    static String span(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms >= 120_000) {
            return ms / 60_000 + " minutes";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + " seconds";
        }
        return String.format(Locale.ROOT, "%.1f seconds", ms / 1000.0);
    }

    /**
     * The stage names of a pipeline's figures, in order: the stages {@code /metrics} labels, as
     * {@link Samples.Figure#of} places each key ({@code stage.<stage>.<figure>}; a plugin's
     * {@code stage.count} names no stage and is the primitive's own figure).
     */
    private static List<String> stages(Map<String, Object> figures) {
        Set<String> stages = new LinkedHashSet<>();
        for (String key : figures.keySet()) {
            String stage = stageOf(key);
            if (stage != null) {
                stages.add(stage);
            }
        }
        return List.copyOf(stages);
    }

    /** The stage a figure's key belongs to, or null when it is the primitive's own. */
    private static String stageOf(String key) {
        return Samples.Figure.of(MetricCatalog.STAGE_PREFIX, key).stage();
    }

    /** The live changes each kind takes from the dashboard. */
    static List<String> controls(Primitive.Kind kind) {
        switch (kind) {
            case TOKEN_BUCKET:
                return List.of("rate", "burst");
            case LEAKY_BUCKET:
                return List.of("rate", "capacity");
            case CONCURRENCY_LIMITER:
                return List.of("capacity");
            case ADAPTIVE_LIMITER:
                return List.of("limit");
            case WORKER_POOL:
                return List.of("workers");
            default:
                return List.of();
        }
    }

    /**
     * Builds the state.
     *
     * @param sampler the live figures, their history and the plugins
     * @param controls whether live changes are enabled
     * @param token the token of the client's cookie for live changes ({@link Csrf}), or null when they are disabled
     * @return the JSON text
     */
    static String json(Sampler sampler, boolean controls, String token) {
        List<PastFrame> frames = sampler.history().frames();
        Frame now = sampler.now();
        PastFrame last = frames.isEmpty() ? null : frames.get(frames.size() - 1);
        if (last == null || now.nanos() != last.nanos()) {
            frames.add(PastFrame.of(now, last)); // the latest figures, unless the sampler has just recorded them
        }
        if (frames.size() > POINTS + 1) {
            frames = frames.subList(frames.size() - POINTS - 1, frames.size());
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("time", now.at().toString());
        state.put("controls", controls);
        if (controls && token != null) {
            state.put("token", token);
        }
        List<Object> times = new ArrayList<>();
        for (int i = 1; i < frames.size(); i++) {
            times.add(frames.get(i).at().toEpochMilli());
        }
        state.put("times", times);
        state.put("chartSpan", span(sampler.interval().multipliedBy(POINTS)));
        List<Object> primitives = new ArrayList<>();
        for (Frame.Row row : now.rows()) {
            primitives.add(primitive(sampler, row, frames, controls));
        }
        state.put("primitives", primitives);
        state.put("stages", plugins(sampler.plugins().list(Plugins.STAGE_NAME)));
        state.put("sources", plugins(sampler.plugins().list(Plugins.SOURCE_NAME)));
        return Json.write(state);
    }

    private static Map<String, Object> primitive(Sampler sampler, Frame.Row row, List<PastFrame> frames,
            boolean controls) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", row.info().name());
        p.put("kind", row.info().kind().label());
        p.put("family", row.info().kind().family().name().toLowerCase(Locale.ROOT));
        p.put("owner", row.info().owner());
        Optional<List<String>> missing = sampler.missingStages(row.info());
        if (missing.isPresent()) {
            p.put("status", missing.get().isEmpty() ? "ready" : "waiting for " + String.join(", ", missing.get()));
            p.put("missing", missing.get());
        }
        List<Object> figures = new ArrayList<>();
        List<Object> stageRows = new ArrayList<>();
        boolean scheduler = row.info().kind() == Primitive.Kind.SCHEDULER;
        for (Map.Entry<String, Object> e : row.figures().entrySet()) { // as sampled: never a second toMap() that may fail
            if (stageOf(e.getKey()) == null && !(scheduler && e.getKey().startsWith("task."))) {
                figures.add(List.of(e.getKey(), display(e.getValue())));
            }
        }
        for (String stage : stages(row.figures())) {
            String pre = "stage." + stage + ".";
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", stage);
            for (String f : List.of("count", "errors", "inFlight", "averageDuration", "maxDuration")) {
                s.put(f, display(row.figures().get(pre + f)));
            }
            stageRows.add(s);
        }
        p.put("figures", figures);
        if (!stageRows.isEmpty()) {
            p.put("stages", stageRows);
        }
        if (controls) {
            p.put("controls", controls(row.info().kind()));
        }
        List<Object> charts = new ArrayList<>();
        for (Series s : series(row.info().kind(), row.figures())) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("title", s.title());
            c.put("points", points(s, row.key(), frames));
            charts.add(c);
        }
        p.put("charts", charts);
        return p;
    }

    /**
     * One point per pair of consecutive frames (null where the primitive was absent or nothing ran, or
     * where a total went down: the primitive was re-created under its name).
     */
    private static List<Object> points(Series s, String key, List<PastFrame> frames) {
        List<Object> points = new ArrayList<>();
        for (int i = 1; i < frames.size(); i++) {
            PastFrame before = frames.get(i - 1);
            PastFrame after = frames.get(i);
            Double v = null;
            if (after.has(key)) {
                double now = after.number(key, s.figure());
                if (s.mode() == Mode.GAUGE) {
                    v = now;
                } else if (before.has(key)) {
                    double d = now - before.number(key, s.figure());
                    if (s.mode() == Mode.RATE) {
                        double seconds = (after.nanos() - before.nanos()) / 1e9;
                        v = seconds > 0 && d >= 0 ? d / seconds : null;
                    } else {
                        double calls = after.number(key, s.per()) - before.number(key, s.per());
                        v = calls > 0 && d >= 0 ? d * 1000 / calls : null; // d < 0: re-created, as for RATE
                    }
                }
            }
            points.add(v == null || !Double.isFinite(v) ? null : Math.round(v * 1000) / 1000.0);
        }
        return points;
    }

    private static List<Object> plugins(List<Plugins.Plugin> plugins) {
        List<Object> list = new ArrayList<>();
        for (Plugins.Plugin p : plugins) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("bundle", p.bundle());
            list.add(m);
        }
        return list;
    }

    /** A figure as the shell shows it: durations with a unit, rates with two decimals. */
    static Object display(Object value) {
        if (value instanceof Duration d) {
            long nanos = d.toNanos();
            if (nanos < 1_000) {
                return nanos + "ns";
            }
            if (nanos < 1_000_000) {
                return String.format(Locale.ROOT, "%.1fus", nanos / 1e3);
            }
            if (nanos < 1_000_000_000) {
                return String.format(Locale.ROOT, "%.1fms", nanos / 1e6);
            }
            return String.format(Locale.ROOT, "%.2fs", nanos / 1e9);
        }
        if (value instanceof Double dv) {
            return Double.isInfinite(dv) ? (dv > 0 ? "Infinity" : "-Infinity")
                    : String.format(Locale.ROOT, "%.2f", dv);
        }
        if (value instanceof Instant i) {
            return i.toString();
        }
        Number n = Samples.number(value);
        return n != null && !(value instanceof Boolean) ? n : value;
    }
}
