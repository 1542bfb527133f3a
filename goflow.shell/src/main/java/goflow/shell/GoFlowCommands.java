package goflow.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import goflow.api.GoFlow;
import goflow.api.Primitive;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.inspect.Registry;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineStats;
import goflow.api.pipeline.StageStats;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.LimitChange;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.api.stream.SourceStats;
import goflow.api.stream.StreamSources;

/**
 * The Gogo commands of scope {@code goflow}. Every command returns its output as text (Gogo
 * prints it); tables are formatted by {@link Table} only.
 *
 * <p>Thread-safe: the fields are final and the services they hold are thread-safe.
 */
@Component(service = GoFlowCommands.class, property = {
    "osgi.command.scope=goflow",
    "osgi.command.function=stats",
    "osgi.command.function=pools",
    "osgi.command.function=limiters",
    "osgi.command.function=pipelines",
    "osgi.command.function=schedules",
    "osgi.command.function=stages",
    "osgi.command.function=sources"
})
public final class GoFlowCommands {
    /** The factory PID of pipelines composed of stage plugins by name. */
    static final String PIPELINE_PID = "goflow.pipeline";
    /** The one figure of a primitive whose figures cannot be read: {@value}, as the registry names it. */
    static final String STATS_ERROR = "statsError";
    private final Registry registry;
    private final PluginLister plugins;
    private final StreamSources sources;

    /**
     * Creates the commands.
     *
     * @param context this bundle's context, to list plugin services
     * @param registry the live registry of every primitive
     * @param goflow this bundle's GoFlow, whose stream sources give the source plugins' statistics
     *     (shared by every GoFlow in the framework, one figure per source name)
     */
    @Activate
    public GoFlowCommands(BundleContext context, @Reference Registry registry, @Reference GoFlow goflow) {
        this(registry, PluginLister.of(context), goflow.streamSources());
    }

    /**
     * Creates the commands (unit tests).
     *
     * @param registry the live registry
     * @param plugins lists the stage and source plugin services
     * @param sources the stream sources whose statistics {@link #sources()} shows
     */
    GoFlowCommands(Registry registry, PluginLister plugins, StreamSources sources) {
        this.registry = registry;
        this.plugins = plugins;
        this.sources = sources;
    }

    /**
     * Everything at a glance: every live primitive, grouped by family.
     *
     * @return the tables
     */
    @Descriptor("show every live goflow primitive with its statistics, grouped by family")
    public String stats() {
        List<PrimitiveInfo> all = registry.snapshot();
        if (all.isEmpty()) {
            return "no goflow primitives\n";
        }
        StringBuilder sb = new StringBuilder();
        for (Primitive.Family family : Primitive.Family.values()) {
            List<PrimitiveInfo> rows = of(all, family);
            if (!rows.isEmpty()) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(title(family)).append(" (").append(rows.size()).append(")\n");
                sb.append(familyTable(rows));
                if (family == Primitive.Family.PIPELINE) {
                    sb.append(statusTable(rows));
                }
            }
        }
        return sb.toString();
    }

    /**
     * The statistics of one primitive, one figure per line.
     *
     * @param name the primitive's name
     * @return the table, or the names that exist when there is no such primitive
     */
    @Descriptor("show every statistic of one primitive")
    public String stats(@Descriptor("the primitive's name") String name) {
        boolean help = usage(name, "stats");
        List<PrimitiveInfo> all = registry.snapshot();
        Optional<PrimitiveInfo> row = all.stream().filter(r -> r.name().equals(name)).findFirst();
        if (row.isEmpty()) {
            List<String> known = new ArrayList<>();
            all.forEach(r -> known.add(r.name()));
            return help ? null : Names.notFound("primitive", name, Optional.empty(), known) + "\n";
        }
        return alsoNamed(help, row.get()) + statisticsTable(row.get());
    }

    /**
     * A row's figures, {@code stats().toMap()}; when that throws (a plugin's {@code Stats} that is
     * not a record and does not override it, an Error but a {@link VirtualMachineError}), the one
     * figure {@value #STATS_ERROR} naming the failure, as the registry lists a primitive whose
     * {@code stats()} throws: one unreadable primitive never fails a whole command.
     */
    private static Map<String, Object> figures(PrimitiveInfo row) {
        try {
            return row.stats().toMap();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            return Map.of(STATS_ERROR, Table.describe(e));
        }
    }

    /** Every figure of one primitive, one per line, after its name, kind and owner. */
    private static String statisticsTable(PrimitiveInfo info) {
        Table t = Table.of("statistic", "value");
        t.row("name", info.name()).row("kind", info.kind().label()).row("owner", info.owner());
        for (Map.Entry<String, Object> e : figures(info).entrySet()) {
            t.row(e.getKey(), Table.format(e.getValue()));
        }
        return t.toString();
    }

    /**
     * Prints the usage of {@code goflow:<function>} when {@code name} asks for it ({@code --help} or
     * {@code -h}). A primitive may have that name: the command then goes on and shows it after the
     * usage (see {@link #alsoNamed}); when none has, it returns {@code null} (the usage only).
     *
     * @param name the command's argument
     * @param function the command
     * @return whether the usage was printed
     */
    private static boolean usage(String name, String function) {
        if (!Usage.asked(name)) {
            return false;
        }
        Usage.print(System.out, GoFlowCommands.class, function);
        return true;
    }

    /**
     * After the usage ({@code help}), the line that says why a primitive's detail follows: its name
     * is {@code --help} or {@code -h}, which no other command shows it for. Empty otherwise.
     */
    private static String alsoNamed(boolean help, PrimitiveInfo row) {
        return help ? "\n'" + row.name() + "' is also the name of a " + row.kind().label() + ":\n" : "";
    }

    /**
     * The row of the primitive of one family with that name, or the "not found" message listing
     * the names of that family (and what the name is, when it is a primitive of another family).
     * A command goes on from the row with {@link Registry#find(PrimitiveInfo)}, never by the name
     * alone: in an OSGi framework another bundle may have a primitive of that name, of another kind.
     */
    private Result<PrimitiveInfo> one(Primitive.Family family, String what, String name) {
        List<PrimitiveInfo> all = registry.snapshot();
        List<String> known = new ArrayList<>();
        Optional<String> other = Optional.empty();
        for (PrimitiveInfo r : all) {
            if (r.kind().family() == family) {
                if (r.name().equals(name)) {
                    return Result.found(r);
                }
                known.add(r.name());
            } else if (r.name().equals(name) && other.isEmpty()) {
                other = Optional.of(r.kind().label());
            }
        }
        return Result.missing(Names.notFound(what, name, other, known) + "\n");
    }

    /**
     * A primitive found by name, or the message saying it was not.
     *
     * @param <T> what was looked for
     * @param value what was found, or null
     * @param message the "not found" message, or null
     */
    private record Result<T>(T value, String message) {
        static <T> Result<T> found(T value) {
            return new Result<>(value, null);
        }

        static <T> Result<T> missing(String message) {
            return new Result<>(null, message);
        }
    }

    /**
     * The worker pools.
     *
     * @return the table
     */
    @Descriptor("list the worker pools with their statistics")
    public String pools() {
        return family(Primitive.Family.POOL);
    }

    /**
     * One worker pool: every statistic, one per line.
     *
     * @param name the pool's name
     * @return the table, or the names of the pools when there is no such pool
     */
    @Descriptor("show every statistic of one worker pool")
    public String pools(@Descriptor("the pool's name") String name) {
        boolean help = usage(name, "pools");
        Result<PrimitiveInfo> r = one(Primitive.Family.POOL, "worker pool", name);
        if (r.value() == null) {
            return help ? null : r.message();
        }
        return alsoNamed(help, r.value()) + statisticsTable(r.value());
    }

    /**
     * The rate and concurrency limiters.
     *
     * @return the table
     */
    @Descriptor("list the rate and concurrency limiters with their statistics")
    public String limiters() {
        return family(Primitive.Family.LIMITER);
    }

    /**
     * One rate or concurrency limiter: every statistic, one per line.
     *
     * @param name the limiter's name
     * @return the table, or the names of the limiters when there is no such limiter
     */
    @Descriptor("show every statistic of one rate or concurrency limiter (an adaptive one: and its limit's history)")
    public String limiters(@Descriptor("the limiter's name") String name) {
        boolean help = usage(name, "limiters");
        Result<PrimitiveInfo> r = one(Primitive.Family.LIMITER, "limiter", name);
        if (r.value() == null) {
            return help ? null : r.message();
        }
        String table = alsoNamed(help, r.value()) + statisticsTable(r.value());
        Optional<AdaptiveLimiter> adaptive = registry.find(r.value()).filter(AdaptiveLimiter.class::isInstance)
                .map(AdaptiveLimiter.class::cast);
        return adaptive.isEmpty() ? table : table + "\n" + history(adaptive.get().history());
    }

    /** An adaptive limiter's recent windows, newest first: how its limit moved and why. */
    private static String history(List<LimitChange> windows) {
        Table t = Table.of("windowEnd", "limit", "latency", "samples", "dropped", "maxInFlight", "probe");
        for (int i = windows.size() - 1; i >= 0; i--) {
            LimitChange w = windows.get(i);
            t.row(w.time(), w.limit(), w.latency(), w.samples(), w.dropped(), w.maxInFlight(), w.probe() ? "probe" : "");
        }
        return "limit history (" + windows.size() + " windows, newest first)\n" + t;
    }

    /**
     * The pipelines.
     *
     * @return the table
     */
    @Descriptor("list the pipelines with their statistics, and whether each configured one has all its stage plugins")
    public String pipelines() {
        List<PrimitiveInfo> rows = of(registry.snapshot(), Primitive.Family.PIPELINE);
        if (rows.isEmpty()) {
            return family(Primitive.Family.PIPELINE);
        }
        return familyTable(rows) + statusTable(rows);
    }

    /**
     * The status of pipelines composed of stage plugins by configuration (owner a
     * {@value #PIPELINE_PID} configuration, stages bound by name): {@code ready}, or
     * {@code waiting for <stage>, ...} while stage plugins are missing (executions then fail at
     * the first missing stage). Empty when there is no such pipeline.
     */
    private String statusTable(List<PrimitiveInfo> rows) {
        Table t = Table.of("pipeline", "status");
        boolean any = false;
        for (PrimitiveInfo r : rows) {
            Optional<String> status = status(r);
            if (status.isPresent()) {
                t.row(r.name(), status.get());
                any = true;
            }
        }
        return any ? "\n" + t : "";
    }

    private Optional<String> status(PrimitiveInfo info) {
        if (!info.owner().startsWith(PIPELINE_PID + "~") && !info.owner().startsWith(PIPELINE_PID + ".")) {
            return Optional.empty();
        }
        Optional<Pipeline<?, ?>> pipeline = registry.find(info).filter(Pipeline.class::isInstance)
                .map(p -> (Pipeline<?, ?>) p);
        if (pipeline.isEmpty()) {
            return Optional.empty();
        }
        Set<String> present = new java.util.HashSet<>();
        for (PluginLister.Plugin p : plugins.list(PluginLister.STAGE_NAME)) {
            present.add(p.name());
        }
        List<String> missing = new ArrayList<>();
        for (String stage : pipeline.get().stageNames()) {
            if (!present.contains(stage) && !missing.contains(stage)) {
                missing.add(stage);
            }
        }
        return Optional.of(missing.isEmpty() ? "ready" : "waiting for " + String.join(", ", missing));
    }

    /**
     * One pipeline: its figures and a row of statistics per stage.
     *
     * @param name the pipeline's name
     * @return the tables
     */
    @Descriptor("show one pipeline's statistics with a row per stage")
    public String pipelines(@Descriptor("the pipeline's name") String name) {
        boolean help = usage(name, "pipelines");
        Result<PrimitiveInfo> row = one(Primitive.Family.PIPELINE, "pipeline", name);
        if (row.value() == null) {
            return help ? null : row.message();
        }
        Optional<PipelineStats> found = registry.find(row.value()).filter(Pipeline.class::isInstance)
                .map(p -> ((Pipeline<?, ?>) p).stats());
        if (found.isEmpty()) { // closed since the snapshot was taken
            return help ? null : Names.notFound("pipeline", name, Optional.empty(), List.of()) + "\n";
        }
        PipelineStats stats = found.get();
        StringBuilder sb = new StringBuilder(alsoNamed(help, row.value()));
        String status = status(row.value()).orElse("-");
        sb.append(Table.of("pipeline", "executions", "successes", "failures", "inFlight", "averageDuration",
                "maxDuration", "status").row(name, stats.executions(), stats.successes(), stats.failures(),
                stats.inFlight(), stats.averageDuration(), stats.maxDuration(), status));
        sb.append('\n');
        Table stages = Table.of("stage", "count", "successes", "errors", "inFlight", "averageDuration",
                "maxDuration", "totalDuration");
        for (StageStats s : stats.stages()) {
            stages.row(s.name(), s.count(), s.successes(), s.errors(), s.inFlight(), s.averageDuration(),
                    s.maxDuration(), s.totalDuration());
        }
        return sb.append(stages).toString();
    }

    /**
     * The schedulers.
     *
     * @return the table
     */
    @Descriptor("list the schedulers with their statistics")
    public String schedules() {
        return family(Primitive.Family.SCHEDULER);
    }

    /**
     * One scheduler: every statistic, one per line, then a row per scheduled task.
     *
     * @param name the scheduler's name
     * @return the tables, or the names of the schedulers when there is no such scheduler
     */
    @Descriptor("show every statistic of one scheduler and a row per scheduled task")
    public String schedules(@Descriptor("the scheduler's name") String name) {
        boolean help = usage(name, "schedules");
        Result<PrimitiveInfo> r = one(Primitive.Family.SCHEDULER, "scheduler", name);
        if (r.value() == null) {
            return help ? null : r.message();
        }
        StringBuilder sb = new StringBuilder(alsoNamed(help, r.value())).append(statisticsTable(r.value()))
                .append('\n');
        List<ScheduledTask> tasks = registry.find(r.value()).filter(Scheduler.class::isInstance)
                .map(p -> ((Scheduler) p).tasks()).orElse(List.of());
        if (tasks.isEmpty()) {
            return sb.append("no scheduled tasks\n").toString();
        }
        Table t = Table.of("task", "schedule", "state", "nextRun", "runs", "failures", "skipped", "activeRuns",
                "lastOutcome");
        for (ScheduledTask task : tasks) {
            t.row(task.id(), task.schedule(), task.state(), task.nextRun().<Object>map(next -> next).orElse("-"),
                    task.runCount(), task.failureCount(), task.skippedCount(), task.activeRuns(),
                    task.lastOutcome().map(o -> o.status().toString()).orElse("-"));
        }
        return sb.append(t).toString();
    }

    /**
     * The stage plugins.
     *
     * @return the table
     */
    @Descriptor("list the pipeline stage plugins (services with goflow.stage.name)")
    public String stages() {
        return plugins(PluginLister.STAGE_NAME, "stage");
    }

    /**
     * Prints the usage of {@code goflow:stages} for {@code --help} (see {@link Usage}).
     *
     * @param help {@code --help} or {@code -h}
     * @throws IllegalArgumentException for any other argument
     */
    @Usage.HelpOnly
    @Descriptor("print this command's usage (--help or -h)")
    public void stages(@Descriptor("--help or -h") String help) {
        Usage.helpOnly(help, GoFlowCommands.class, "stages");
    }

    /**
     * The stream source plugins.
     *
     * @return the table
     */
    @Descriptor("list the stream source plugins (services with goflow.source.name) with their statistics")
    public String sources() {
        List<PluginLister.Plugin> found = plugins.list(PluginLister.SOURCE_NAME);
        Map<String, SourceStats> stats = sources.stats();
        if (found.isEmpty() && stats.isEmpty()) {
            return "no source plugins\n";
        }
        Table t = Table.of("source", "bound", "opened", "open", "elements", "failures", "closed", "lastOpened",
                "type", "bundle", "service.id");
        // plugin services (sorted by name, then service id), then names with statistics but no service now
        List<List<Object>> rows = new ArrayList<>();
        Set<String> listed = new LinkedHashSet<>();
        for (PluginLister.Plugin p : found) {
            listed.add(p.name());
            rows.add(sourceRow(p.name(), stats.get(p.name()), p.type(), p.bundle(), p.serviceId()));
        }
        for (SourceStats s : stats.values()) {
            if (!listed.contains(s.name())) {
                rows.add(sourceRow(s.name(), s, "-", "-", "-"));
            }
        }
        rows.sort(Comparator.comparing(r -> (String) r.get(0)));
        rows.forEach(t::row);
        return t.toString();
    }

    /**
     * Prints the usage of {@code goflow:sources} for {@code --help} (see {@link Usage}).
     *
     * @param help {@code --help} or {@code -h}
     * @throws IllegalArgumentException for any other argument
     */
    @Usage.HelpOnly
    @Descriptor("print this command's usage (--help or -h)")
    public void sources(@Descriptor("--help or -h") String help) {
        Usage.helpOnly(help, GoFlowCommands.class, "sources");
    }

    /** One row of {@link #sources()}: a plugin service, or a name that has statistics but no service now. */
    private static List<Object> sourceRow(String name, SourceStats s, Object type, Object bundle, Object serviceId) {
        if (s == null) {
            return List.of(name, false, "-", "-", "-", "-", "-", "-", type, bundle, serviceId);
        }
        return Arrays.asList(name, s.bound(), s.opened(), s.open(), s.elements(), s.failures(), s.closed(),
                s.lastOpened(), type, bundle, serviceId);
    }

    private String plugins(String property, String what) {
        List<PluginLister.Plugin> found = plugins.list(property);
        if (found.isEmpty()) {
            return "no " + what + " plugins\n";
        }
        Table t = Table.of(what, "type", "bundle", "service.id");
        for (PluginLister.Plugin p : found) {
            t.row(p.name(), p.type(), p.bundle(), p.serviceId());
        }
        return t.toString();
    }

    private String family(Primitive.Family family) {
        List<PrimitiveInfo> rows = of(registry.snapshot(), family);
        if (rows.isEmpty()) {
            return "no " + title(family).toLowerCase(java.util.Locale.ROOT) + "\n";
        }
        return familyTable(rows);
    }

    /**
     * The tables for primitives of one family: one per kind, each with name, owner and every
     * top-level statistic of that kind (nested figures such as {@code stage.<name>.count} are left
     * to the detail commands).
     */
    static String familyTable(List<PrimitiveInfo> rows) {
        StringBuilder sb = new StringBuilder();
        for (Primitive.Kind kind : Primitive.Kind.values()) {
            List<PrimitiveInfo> ofKind = new ArrayList<>();
            for (PrimitiveInfo r : rows) {
                if (r.kind() == kind) {
                    ofKind.add(r);
                }
            }
            if (!ofKind.isEmpty()) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(kindTable(ofKind));
            }
        }
        return sb.toString();
    }

    private static String kindTable(List<PrimitiveInfo> rows) {
        Set<String> keys = new LinkedHashSet<>();
        List<Map<String, Object>> maps = new ArrayList<>();
        for (PrimitiveInfo r : rows) {
            Map<String, Object> m = figures(r);
            maps.add(m);
            for (String k : m.keySet()) {
                if (k.indexOf('.') < 0) {
                    keys.add(k);
                }
            }
        }
        List<String> headers = new ArrayList<>(List.of("name", "kind", "owner"));
        headers.addAll(keys);
        Table t = Table.of(headers);
        for (int i = 0; i < rows.size(); i++) {
            PrimitiveInfo r = rows.get(i);
            List<Object> cells = new ArrayList<>(List.of(r.name(), r.kind().label(), r.owner()));
            for (String k : keys) {
                cells.add(maps.get(i).getOrDefault(k, "-"));
            }
            t.row(cells);
        }
        return t.toString();
    }

    private static List<PrimitiveInfo> of(List<PrimitiveInfo> all, Primitive.Family family) {
        List<PrimitiveInfo> rows = new ArrayList<>();
        for (PrimitiveInfo r : all) {
            if (r.kind().family() == family) {
                rows.add(r);
            }
        }
        return rows;
    }

    static String title(Primitive.Family family) {
        switch (family) {
            case LIMITER:
                return "Limiters";
            case POOL:
                return "Worker pools";
            case SCHEDULER:
                return "Schedulers";
            case PIPELINE:
                return "Pipelines";
            default:
                return "Channels and writers";
        }
    }

}
