package goflow.impl.pipeline;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;
import goflow.api.pipeline.StageStats;

/**
 * One stage of a built pipeline with its counters.
 *
 * <p>Thread-safe: the stage and name are final; the counters are {@link LongAdder}s (cheap
 * under contention, exact once quiescent) and {@code maxNanos} is raised by CAS only when a
 * longer duration is seen, so the hot path takes no lock. {@code count} is derived as
 * successes + errors, so a snapshot never shows a count that disagrees with its parts.
 */
final class StageNode {
    final String name;
    private final Stage<Object, Object> stage;
    private final LongAdder successes = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();
    private final LongAdder inFlight = new LongAdder();
    private final AtomicLong maxNanos = new AtomicLong();

    @SuppressWarnings("unchecked")
    StageNode(String name, Stage<?, ?> stage) {
        this.name = name;
        this.stage = (Stage<Object, Object>) stage;
    }

    /** Calls the stage; any throwable is the caller's to record. */
    Object process(Context ctx, Object input) throws Exception {
        return stage.process(ctx, input);
    }

    void enter() {
        inFlight.increment();
    }

    void exit(long nanos, boolean ok) {
        (ok ? successes : errors).increment();
        totalNanos.add(nanos);
        raise(maxNanos, nanos);
        inFlight.decrement();
    }

    static void raise(AtomicLong max, long value) {
        long m = max.get();
        while (value > m && !max.compareAndSet(m, value)) {
            m = max.get();
        }
    }

    StageStats snapshot() {
        long ok = successes.sum();
        long failed = errors.sum();
        long count = ok + failed;
        long total = totalNanos.sum();
        return new StageStats(name, count, ok, failed, Duration.ofNanos(total),
                Duration.ofNanos(count == 0 ? 0 : total / count), Duration.ofNanos(maxNanos.get()),
                Math.max(0, inFlight.sum()));
    }
}
