package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.PipelineStats;
import goflow.api.pipeline.Stage;
import goflow.api.pipeline.StageStats;
import goflow.api.pipeline.StreamingResult;
import goflow.api.pipeline.StreamingRun;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/** The examples of docs/pipeline.md, compiled and run. */
class DocExamplesTest extends NoThreadLeaks.LeakCheckedTest {

    @AfterEach
    void testThreadIsNotLeftInterrupted() {
        assertFalse(Thread.interrupted(), "the test thread was left interrupted");
    }

    @Test
    void typedPipelineStreamingRunAndStatistics(@TempDir Path dir) throws Exception {
        try (GoFlow goflow = new GoFlowImpl()) {
            Pipeline<String, Integer> words = goflow.pipeline("words")
                    .stage("trim", String::trim)
                    .stage("upper", s -> s.toUpperCase())
                    .stage("len", s -> s.length())
                    .build();
            PipelineResult<String, Integer> r = words.execute(Context.background(), "  hello ");
            assertEquals(5, r.output());
            int n = r.orElseThrow();
            assertEquals(5, n);

            Pipeline<String, Integer> parse = goflow.pipeline("p").input(String.class)
                    .stage("parse", Integer::valueOf).build();
            assertEquals(7, parse.execute("7").output());

            goflow.stages().register(Stage.of("trim", (String s) -> s.trim()));
            goflow.stages().register(Stage.of("upper", (String s) -> s.toUpperCase()));
            Pipeline<Object, Object> named = goflow.pipeline("from-config").stages("trim", "upper").build();
            assertEquals("A", named.execute(" a ").output());

            List<Path> files = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                files.add(Files.writeString(dir.resolve("f" + i), "x".repeat(i)));
            }
            files.add(dir.resolve("missing"));
            Pipeline<Path, Integer> indexer = goflow.pipeline("indexer")
                    .stage("read", (Path f) -> Files.readString(f)) // may throw IOException
                    .stage("parse", text -> text.length())
                    .stage("report", len -> len * 2)
                    .build();
            List<Integer> saved = new ArrayList<>();
            List<Throwable> errors = new ArrayList<>();
            StreamingRun run = indexer.stream()
                    .concurrency("parse", 4)
                    .buffer(32)
                    .onError((file, failure) -> errors.add(failure.error()))
                    .start(Context.background(), files, saved::add);
            StreamingResult result = run.await();
            assertTrue(result.completed());
            assertEquals(20, result.itemsOut());
            assertEquals(1, result.itemsFailed());
            assertTrue(errors.get(0) instanceof IOException, errors.toString());
            for (int i = 0; i < 20; i++) {
                assertEquals(2 * i, saved.get(i));
            }

            PipelineStats s = words.stats();
            assertEquals(1, s.executions());
            StageStats trim = s.stage("trim").orElseThrow();
            assertEquals(1, trim.count());
            assertEquals(1L, s.toMap().get("stage.trim.count"));
        }
    }
}
