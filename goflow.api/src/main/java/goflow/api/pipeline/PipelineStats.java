package goflow.api.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import goflow.api.inspect.Stats;
import goflow.api.internal.StatsMaps;

/**
 * A statistics snapshot of a pipeline. An "execution" is one {@link Pipeline#execute} call or one
 * item of a streaming run; each counter is read atomically, but the snapshot as a whole is taken
 * while executions go on, so counters may be a few executions apart.
 *
 * <p>A streamed item is recorded when it leaves its run: as a success once the sink has accepted
 * its output ({@link StreamingResult#itemsOut()}), as a failure once it is counted in
 * {@link StreamingResult#itemsFailed()}; its duration runs from when it was taken from the source
 * to the end of its last stage call (the sink's time is not included). An item its run
 * {@linkplain StreamingResult#itemsDropped() dropped} is not an execution: it only leaves
 * {@code inFlight}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the pipeline's name
 * @param executions how many executions completed (successes plus failures)
 * @param successes how many succeeded
 * @param failures how many failed
 * @param totalDuration the sum of their durations
 * @param averageDuration {@code totalDuration / executions}, or zero
 * @param maxDuration the longest single execution
 * @param lastExecution when the execution that completed last ended, or {@code null} before the
 *     first
 * @param inFlight executions and streamed items in the pipeline now (a streamed item from when it
 *     is taken from the source until it is delivered, failed or dropped)
 * @param stages one snapshot per stage, in pipeline order
 */
public record PipelineStats(String name, long executions, long successes, long failures, Duration totalDuration,
        Duration averageDuration, Duration maxDuration, Instant lastExecution, long inFlight,
        List<StageStats> stages) implements Stats {

    /**
     * Validates the components and copies the stage list.
     *
     * @param name the pipeline's name
     * @param executions completed executions
     * @param successes successful executions
     * @param failures failed executions
     * @param totalDuration sum of durations
     * @param averageDuration average duration
     * @param maxDuration longest duration
     * @param lastExecution end of the last execution, or null
     * @param inFlight executions in the pipeline now
     * @param stages per-stage snapshots
     */
    public PipelineStats {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(totalDuration, "totalDuration");
        Objects.requireNonNull(averageDuration, "averageDuration");
        Objects.requireNonNull(maxDuration, "maxDuration");
        stages = List.copyOf(stages);
    }

    /**
     * Returns when the execution that completed last ended.
     *
     * @return the instant, or empty before the first execution
     */
    public Optional<Instant> lastExecutionTime() {
        return Optional.ofNullable(lastExecution);
    }

    /**
     * Finds the statistics of a stage by name.
     *
     * @param stageName the stage's name
     * @return its snapshot, or empty when the pipeline has no such stage
     */
    public Optional<StageStats> stage(String stageName) {
        for (StageStats s : stages) {
            if (s.name().equals(stageName)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The pipeline's own figures leave out its {@code name} (the registry row has it) and
     * replace the list of stages by {@code stageCount}; each stage's figures follow, but its name,
     * under keys {@code stage.<name>.<figure>}. {@code lastExecution} is absent before the first
     * execution.
     */
    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = StatsMaps.figures(this);
        m.remove("name");
        m.remove("stages");
        m.put("stageCount", stages.size());
        for (StageStats s : stages) {
            for (Map.Entry<String, Object> e : s.toMap().entrySet()) {
                if (!e.getKey().equals("name")) {
                    m.put("stage." + s.name() + "." + e.getKey(), e.getValue());
                }
            }
        }
        return Collections.unmodifiableMap(m);
    }
}
