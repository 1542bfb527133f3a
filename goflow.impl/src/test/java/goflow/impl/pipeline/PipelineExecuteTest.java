package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.ClosedException;
import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineException;
import goflow.api.pipeline.PipelineListener;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.Stage;
import goflow.api.pipeline.StageResult;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;

class PipelineExecuteTest {

    @AfterEach
    void testThreadIsNotLeftInterrupted() {
        assertFalse(Thread.interrupted(), "the test thread was left interrupted");
    }
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "test");

    @AfterEach
    void close() {
        goflow.close();
    }

    @Test
    void stagesRunInOrderAndEachGetsThePreviousOutput() {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Pipeline<String, Integer> p = goflow.pipeline("words")
                .stage("trim", (String s) -> {
                    seen.add("trim:" + s);
                    return s.trim();
                })
                .stage("upper", s -> {
                    seen.add("upper:" + s);
                    return s.toUpperCase();
                })
                .stageWithContext("len", (ctx, s) -> {
                    seen.add("len:" + s);
                    return s.length();
                })
                .build();

        PipelineResult<String, Integer> r = p.execute(Context.background(), "  abc ");

        assertEquals(List.of("trim:  abc ", "upper:abc", "len:ABC"), seen);
        assertTrue(r.succeeded());
        assertEquals(3, r.output());
        assertEquals("  abc ", r.input());
        assertEquals("words", r.pipelineName());
        assertEquals(List.of("trim", "upper", "len"), r.stages().stream().map(StageResult::stageName).toList());
        assertEquals("abc", r.stages().get(0).output());
        assertEquals("abc", r.stages().get(1).input());
        assertEquals(List.of("trim", "upper", "len"), p.stageNames());
        assertEquals(3, r.orElseThrow());
    }

    @Test
    void methodReferenceFixesTheInputType() {
        Pipeline<String, Integer> p = goflow.pipeline().stage("trim", String::trim).stage("len", s -> s.length())
                .build();
        assertEquals(2, p.execute(" ab ").output());
        assertTrue(p.name().startsWith("pipeline-"));
    }

    @Test
    void timingComesFromTheClock() {
        Pipeline<Integer, Integer> p = goflow.pipeline("timed").stage("slow", (Integer i) -> {
            clock.advance(Duration.ofMillis(5));
            return i + 1;
        }).build();
        PipelineResult<Integer, Integer> r = p.execute(1);
        assertEquals(Duration.ofMillis(5), r.duration());
        assertEquals(Duration.ofMillis(5), r.stages().get(0).duration());
        assertEquals(r.start().plusMillis(5), r.end());
        assertEquals(r.start(), r.stages().get(0).start());
    }

    @Test
    void emptyPipelineReturnsItsInput() {
        Pipeline<String, String> p = goflow.pipeline("empty").input(String.class).build();
        PipelineResult<String, String> r = p.execute("x");
        assertTrue(r.succeeded());
        assertEquals("x", r.output());
        assertTrue(r.stages().isEmpty());
    }

    @Test
    void stopOnErrorIsTheDefault() {
        RuntimeException boom = new IllegalStateException("boom");
        List<String> ran = new ArrayList<>();
        Pipeline<Integer, Integer> p = goflow.pipeline("stop")
                .stage("a", (Integer i) -> {
                    ran.add("a");
                    return i + 1;
                })
                .<Integer>stage("b", (Integer i) -> {
                    ran.add("b");
                    throw boom;
                })
                .stage("c", (Integer i) -> {
                    ran.add("c");
                    return i + 1;
                })
                .build();
        assertTrue(p.stopOnError());

        PipelineResult<Integer, Integer> r = p.execute(1);

        assertEquals(List.of("a", "b"), ran);
        assertTrue(r.failed());
        assertSame(boom, r.error());
        assertNull(r.output());
        assertEquals(2, r.stages().size());
        StageResult b = r.stages().get(1);
        assertEquals("b", b.stageName());
        assertEquals(2, b.input());
        assertSame(boom, b.error());
        assertFalse(b.succeeded());
        assertEquals("b", r.failedStage().orElseThrow().stageName());
        PipelineException e = assertThrows(PipelineException.class, r::orElseThrow);
        assertEquals("pipeline 'stop' failed at stage 'b': java.lang.IllegalStateException: boom", e.getMessage());
        assertSame(boom, e.getCause());
        assertEquals("b", e.stageName());
    }

    @Test
    void continueOnErrorRunsEveryStageAndKeepsEveryErrorAndFails() {
        Exception e1 = new Exception("first");
        Exception e2 = new Exception("second");
        List<String> ran = new ArrayList<>();
        Pipeline<Integer, Integer> p = goflow.pipeline("cont").continueOnError()
                .<Integer, Integer>stageWithContext("a", (ctx, i) -> {
                    ran.add("a" + i);
                    throw e1;
                })
                .stage("b", (Integer i) -> {
                    ran.add("b" + i);
                    return i * 10;
                })
                .<Integer>stageWithContext("c", (ctx, i) -> {
                    ran.add("c" + i);
                    throw e2;
                })
                .stage("d", (Integer i) -> {
                    ran.add("d" + i);
                    return i + 1;
                })
                .build();
        assertFalse(p.stopOnError());

        PipelineResult<Integer, Integer> r = p.execute(1);

        // a failed: b gets the last good value (the input); c failed: d gets b's output.
        assertEquals(List.of("a1", "b1", "c10", "d10"), ran);
        assertEquals(4, r.stages().size());
        assertTrue(r.failed(), "a run with stage errors is failed");
        assertSame(e1, r.error());
        assertEquals(List.of(e1, e2), r.errors());
        assertNull(r.output());
        assertEquals(11, r.stages().get(3).output());
        assertEquals(1, p.stats().failures());
        assertEquals(0, p.stats().successes());
    }

    @Test
    void anErrorThrownByAStageIsRecordedNotPropagated() {
        Pipeline<Integer, Integer> p = goflow.pipeline("err").<Integer, Integer>stage("oom", (Integer i) -> {
            throw new StackOverflowError("deep");
        }).build();
        PipelineResult<Integer, Integer> r = p.execute(1);
        assertInstanceOf(StackOverflowError.class, r.error());
        assertEquals(1, p.stats().stage("oom").orElseThrow().errors());
    }

    @Test
    void aCancelledContextRunsNoStage() {
        List<String> ran = new ArrayList<>();
        Pipeline<Integer, Integer> p = goflow.pipeline("pre").stage("a", (Integer i) -> {
            ran.add("a");
            return i;
        }).build();
        var ctx = Context.background().withCancel();
        ctx.cancel();
        PipelineResult<Integer, Integer> r = p.execute(ctx, 1);
        assertTrue(ran.isEmpty());
        assertInstanceOf(goflow.api.context.CancelledException.class, r.error());
        assertTrue(r.stages().isEmpty());
        assertTrue(r.failedStage().isEmpty());
        PipelineException e = assertThrows(PipelineException.class, r::orElseThrow);
        assertTrue(e.getMessage().startsWith("pipeline 'pre' failed: "), e.getMessage());
    }

    @Test
    void listenersSeeTheDocumentedOrder() {
        List<String> events = new ArrayList<>();
        PipelineListener l = new PipelineListener() {
            @Override
            public void onPipelineStart(String pipeline, Object input) {
                events.add("pipelineStart:" + pipeline + ":" + input);
            }

            @Override
            public void onStageStart(String pipeline, String stage, Object input) {
                events.add("stageStart:" + stage + ":" + input);
            }

            @Override
            public void onStageComplete(String pipeline, StageResult result) {
                events.add("stageComplete:" + result.stageName() + ":" + result.succeeded());
            }

            @Override
            public void onStageError(String pipeline, StageResult result) {
                events.add("stageError:" + result.stageName() + ":" + result.error().getMessage());
            }

            @Override
            public void onPipelineComplete(PipelineResult<?, ?> result) {
                events.add("pipelineComplete:" + result.succeeded());
            }
        };
        PipelineListener throwing = new PipelineListener() {
            @Override
            public void onStageStart(String pipeline, String stage, Object input) {
                throw new IllegalStateException("listener bug");
            }
        };
        Pipeline<Integer, Integer> p = goflow.pipeline("listened").listener(l).listener(throwing)
                .stage("a", (Integer i) -> i + 1)
                .<Integer>stage("b", (Integer i) -> {
                    throw new IllegalArgumentException("bad " + i);
                })
                .build();

        PipelineResult<Integer, Integer> r = p.execute(1);

        assertTrue(r.failed());
        assertEquals(List.of("pipelineStart:listened:1", "stageStart:a:1", "stageComplete:a:true", "stageStart:b:2",
                "stageComplete:b:false", "stageError:b:bad 2", "pipelineComplete:false"), events);
    }

    @Test
    void statisticsIncludeTheExecutionWhenListenersAreCalled() {
        List<Long> seen = new ArrayList<>();
        Pipeline<?, ?>[] self = new Pipeline<?, ?>[1];
        PipelineListener l = new PipelineListener() {
            @Override
            public void onStageComplete(String pipeline, StageResult result) {
                seen.add(self[0].stats().stage(result.stageName()).orElseThrow().count());
            }

            @Override
            public void onPipelineComplete(PipelineResult<?, ?> result) {
                seen.add(self[0].stats().executions());
            }
        };
        Pipeline<Integer, Integer> p = goflow.pipeline("ordered-stats").listener(l).stage("a", (Integer i) -> i)
                .build();
        self[0] = p;
        p.execute(1);
        assertEquals(List.of(1L, 1L), seen);
    }

    @Test
    void builderRejectsBadConfiguration() {
        InvalidConfigException dup = assertThrows(InvalidConfigException.class,
                () -> goflow.pipeline("dup").stage("a", (Integer i) -> i).stage("a", i -> i));
        assertEquals("a", dup.value());
        assertTrue(dup.getMessage().contains("must be unique within the pipeline"), dup.getMessage());

        InvalidConfigException timeout = assertThrows(InvalidConfigException.class,
                () -> goflow.pipeline("t").timeout(Duration.ZERO));
        assertEquals("timeout", timeout.field());
        assertEquals("pipeline: invalid timeout=PT0S (must be positive) - the longest one execution may take",
                timeout.getMessage());

        InvalidConfigException twice = assertThrows(InvalidConfigException.class,
                () -> goflow.pipeline("t2").stopOnError(true).continueOnError());
        assertEquals("stopOnError", twice.field());

        assertThrows(InvalidConfigException.class, () -> goflow.pipeline("bad name"));
        assertThrows(InvalidConfigException.class, () -> goflow.pipeline("x").stage("", (Integer i) -> i));
        assertThrows(InvalidConfigException.class, () -> goflow.pipeline("x").executor(null));
        assertTrue(goflow.registry().primitives().isEmpty(), "nothing half-made is listed");
    }

    @Test
    void builtPipelineIsListedAndNamesAreUnique() {
        Pipeline<String, String> p = goflow.pipeline("listed").stage("id", (String s) -> s).build();
        assertSame(p, goflow.registry().find("listed").orElseThrow());
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> goflow.pipeline("listed").stage("id", (String s) -> s).build());
        assertEquals("name", e.field());
        p.close();
        p.close();
        assertTrue(goflow.registry().find("listed").isEmpty());
        assertThrows(ClosedException.class, () -> p.execute("x"));
        goflow.pipeline("listed").stage("id", (String s) -> s).build();
    }

    @Test
    void theStructureCannotChangeAfterBuild() {
        var builder = goflow.pipeline("frozen").stage("a", (Integer i) -> i);
        Pipeline<Integer, Integer> p = builder.build();
        assertThrows(IllegalStateException.class, () -> builder.stage("b", i -> i));
        assertThrows(UnsupportedOperationException.class, () -> p.stageNames().add("b"));
        assertEquals(List.of("a"), p.stageNames());
    }

    @Test
    void aBuildRefusedBecauseTheNameIsTakenBuildsOnceTheNameIsFree() {
        Pipeline<Integer, Integer> first = goflow.pipeline("taken").stage("a", (Integer i) -> i).build();
        var builder = goflow.pipeline("taken").stage("b", (Integer i) -> i + 1);
        assertThrows(InvalidConfigException.class, builder::build);
        assertThrows(InvalidConfigException.class, builder::build, "still taken: the same error, not 'already built'");
        first.close();

        Pipeline<Integer, Integer> second = builder.build();
        assertEquals(2, second.execute(1).output());
        assertThrows(IllegalStateException.class, builder::build);
    }

    @Test
    void stageOfMakesNamedStages() throws Exception {
        Stage<String, Integer> len = Stage.of("len", String::length);
        assertEquals("len", len.name());
        assertEquals(3, len.process(Context.background(), "abc"));
        Stage<String, String> ctxAware = Stage.of("done", (ctx, s) -> s + ctx.isDone());
        assertEquals("xfalse", ctxAware.process(Context.background(), "x"));
        assertEquals("goflow.stage.name", Stage.NAME_PROPERTY);
        Pipeline<String, Integer> p = goflow.pipeline("of").stage(Stage.of("trim", String::trim)).stage(len).build();
        assertEquals(1, p.execute(" a ").output());
    }
}
