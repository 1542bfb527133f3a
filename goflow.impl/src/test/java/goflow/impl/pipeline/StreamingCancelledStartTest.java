package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.StreamingRun;
import goflow.impl.GoFlowImpl;

/** A streaming run started on a context already cancelled (or as its pipeline closes, which cancels it). */
class StreamingCancelledStartTest {
    private final GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "test");

    @AfterEach
    void close() {
        goflow.close();
    }

    /** Counts the iterators asked of it; each gives {@code 1, 2, 3}. */
    private static final class CountedSource implements Iterable<Integer> {
        final AtomicInteger opened = new AtomicInteger();

        @Override
        public Iterator<Integer> iterator() {
            opened.incrementAndGet();
            return List.of(1, 2, 3).iterator();
        }
    }

    @Test
    void aRunOnAContextAlreadyCancelledNeverOpensItsSource() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("cancelled").input(Integer.class)
                .stage("same", (Integer i) -> i).build();
        CancellableContext ctx = Context.background().withCancel();
        ctx.cancel();
        CountedSource source = new CountedSource();
        StreamingRun run = p.stream().start(ctx, source, out -> { });
        run.completion().handle((r, e) -> null).get(30, TimeUnit.SECONDS);
        assertEquals(0, source.opened.get(), "the source of a run cancelled before it began is not opened");
    }
}
