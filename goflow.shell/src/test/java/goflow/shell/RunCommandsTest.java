package goflow.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.stream.StreamSource;

class RunCommandsTest {
    private final GoFlow goflow = GoFlow.load();
    private final RunCommands run = new RunCommands(goflow.registry(), goflow);
    private final GoFlowCommands views = new GoFlowCommands(goflow.registry(), p -> List.of(), goflow.streamSources());

    @AfterEach
    void close() {
        goflow.close();
    }

    private void textPipeline() {
        goflow.pipeline("text").stage("upper", (String s) -> s.toUpperCase(java.util.Locale.ROOT))
                .stage("exclaim", s -> {
                    if (s.isEmpty()) {
                        throw new IllegalArgumentException("empty input");
                    }
                    return s + "!";
                }).build();
    }

    @Test
    void runExecutesAPipelineAndShowsEachStage() {
        textPipeline();
        String out = run.run("text", "hi");
        assertTrue(out.matches("(?s)pipeline +result +output +duration\n"
                + "text +succeeded +HI! +\\S+\n\n"
                + "stage +input +output +duration +error\n"
                + "upper +hi +HI +\\S+ +-\n"
                + "exclaim +HI +HI! +\\S+ +-\n"), out);
        String failed = run.run("text", "");
        assertTrue(failed.matches("(?s)pipeline +result +output +duration\ntext +failed +- .*"
                + "\nexclaim + +- +\\S+ +java.lang.IllegalArgumentException: empty input\n"), failed);
        assertEquals("no pipeline named 'nope'; known: text",
                assertThrows(IllegalArgumentException.class, () -> run.run("nope", "x")).getMessage());
    }

    @Test
    void pipelinesShowsPerStageStatistics() {
        textPipeline();
        run.run("text", "a");
        run.run("text", "");
        String out = views.pipelines("text");
        assertTrue(out.matches("(?s)pipeline +executions +successes +failures +inFlight +averageDuration +maxDuration"
                + " +status\n"
                + "text +2 +1 +1 +0 .* +-\n\n"
                + "stage +count +successes +errors +inFlight +averageDuration +maxDuration +totalDuration\n"
                + "upper +2 +2 +0 +0 .*\n"
                + "exclaim +2 +1 +1 +0 .*\n"), out);
        assertEquals("no pipeline named 'nope'; known: text\n", views.pipelines("nope"));
        assertTrue(views.pipelines().startsWith("name  kind      owner        executions"), views.pipelines());
    }

    @Test
    void streamPrintsTheFirstElementsOfASource() throws Exception {
        StreamSource<Integer> numbers = ctx -> new StreamSource.Cursor<>() {
            private int next;

            @Override
            public boolean tryAdvance(Context c, Consumer<? super Integer> action) {
                action.accept(++next);
                return true;
            }
        };
        goflow.streamSources().register("numbers", numbers);
        assertEquals(""
                + "#  element\n"
                + "1        1\n"
                + "2        2\n"
                + "3        3\n", run.stream("numbers", 3));
    }
}
