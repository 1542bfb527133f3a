package goflow.impl.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineListener;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.Stage;
import goflow.api.pipeline.StageNotFoundException;
import goflow.api.pipeline.StageResult;
import goflow.api.pool.WorkerPool;
import goflow.impl.testing.NoThreadLeaks;

/**
 * The code examples and concrete claims of docs/pipeline.md that
 * {@code goflow.impl.pipeline.DocExamplesTest} does not run: errors, timeouts and executors, the
 * listener order, stages by name and late-bound references. Keep the bodies in step with the page.
 */
class PipelinePageExamplesTest extends NoThreadLeaks.LeakCheckedTest {

    record Order(String id, int amount) {
    }

    record Charge(Order order) {
    }

    record Receipt(String text) {
    }

    @Test
    void errorsTimeoutsExecutors() throws Exception {
        List<String> warned = new CopyOnWriteArrayList<>();
        try (GoFlow goflow = GoFlow.load()) {
            WorkerPool workerPool = goflow.workerPool().workers(2).build();
            Pipeline<Order, Receipt> checkout = goflow.pipeline("checkout")
                    .timeout(Duration.ofSeconds(2))
                    .executor(workerPool)
                    .listener(new PipelineListener() {
                        @Override
                        public void onStageError(String pipeline, StageResult r) {
                            warned.add(pipeline + " failed at " + r.stageName());
                        }
                    })
                    .stage("validate", (Order o) -> {
                        if (o.amount() <= 0) {
                            throw new IllegalArgumentException("amount");
                        }
                        return o;
                    })
                    .stageWithContext("charge", (ctx, o) -> {
                        ctx.throwIfDone();
                        return new Charge(o);
                    })
                    .stage("receipt", c -> new Receipt("paid " + c.order().id()))
                    .build();

            PipelineResult<Order, Receipt> ok = checkout.execute(Context.background(), new Order("7", 5));
            assertEquals("paid 7", ok.output().text());

            PipelineResult<Order, Receipt> bad = checkout.execute(Context.background(), new Order("8", 0));
            assertFalse(bad.succeeded());
            assertNull(bad.output());
            assertEquals("validate", bad.failedStage().orElseThrow().stageName());
            assertInstanceOf(IllegalArgumentException.class, bad.error());
            assertEquals(1, bad.stages().size());                   // later stages do not run
            assertEquals(List.of("checkout failed at validate"), warned);
        }
    }

    @Test
    void listenerCallbacksComeInTheDocumentedOrder() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        try (GoFlow goflow = GoFlow.load()) {
            Pipeline<String, Object> p = goflow.pipeline("ab")
                    .listener(new PipelineListener() {
                        @Override
                        public void onPipelineStart(String pipeline, Object input) {
                            events.add("onPipelineStart");
                        }

                        @Override
                        public void onStageStart(String pipeline, String stage, Object input) {
                            events.add("onStageStart(" + stage + ")");
                        }

                        @Override
                        public void onStageComplete(String pipeline, StageResult r) {
                            events.add("onStageComplete(" + r.stageName() + ")");
                        }

                        @Override
                        public void onStageError(String pipeline, StageResult r) {
                            events.add("onStageError(" + r.stageName() + ")");
                        }

                        @Override
                        public void onPipelineComplete(PipelineResult<?, ?> result) {
                            events.add("onPipelineComplete");
                        }
                    })
                    .stage("a", (String s) -> s)
                    .stage("b", s -> {
                        throw new IllegalStateException("b");
                    })
                    .build();
            p.execute(Context.background(), "x");
            assertEquals(List.of("onPipelineStart", "onStageStart(a)", "onStageComplete(a)", "onStageStart(b)",
                    "onStageComplete(b)", "onStageError(b)", "onPipelineComplete"), events);
        }
    }

    @Test
    void continueOnErrorStillFails() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            Pipeline<String, String> p = goflow.pipeline("c").continueOnError()
                    .stage("a", (String s) -> {
                        throw new IllegalStateException("a");
                    })
                    .stage("b", s -> s + "!")
                    .build();
            PipelineResult<String, String> r = p.execute(Context.background(), "x");
            assertEquals(2, r.stages().size());
            assertEquals(1, r.errors().size());
            assertFalse(r.succeeded());
        }
    }

    @Test
    void stagesByName() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            goflow.stages().register(Stage.of("trim", (String s) -> s.trim()));
            goflow.stages().register(Stage.of("upper", (String s) -> s.toUpperCase()));
            StageNotFoundException e = assertThrows(StageNotFoundException.class,
                    () -> goflow.pipeline("from-config").stages("trim", "enrich").build());
            assertEquals("pipeline 'from-config': invalid stage=\"enrich\" (no stage is registered under this name) - "
                    + "register a Stage under that name (in OSGi: a Stage service with goflow.stage.name=enrich); "
                    + "registered stages: [trim, upper]", e.getMessage());

            Pipeline<String, Object> p = goflow.pipeline("late")
                    .stage("trim", String::trim)
                    .stage(goflow.stages().reference("enrich"))
                    .build();
            PipelineResult<String, Object> missing = p.execute(Context.background(), " a ");
            assertInstanceOf(StageNotFoundException.class, missing.error());  // fails at once, no waiting
            goflow.stages().register(Stage.of("enrich", (String s) -> s + "+"));
            assertEquals("a+", p.execute(Context.background(), " a ").output());
            assertTrue(p.execute(Context.background(), "b").succeeded());
        }
    }
}
