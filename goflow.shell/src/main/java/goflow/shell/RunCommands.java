package goflow.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import goflow.api.GoFlow;
import goflow.api.Primitive;
import goflow.api.context.Context;
import goflow.api.inspect.Registry;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.StageResult;
import goflow.api.stream.Stream;

/**
 * The Gogo commands of scope {@code goflow} that run things: a pipeline on one input, and the
 * first elements of a stream source plugin.
 *
 * <p>Thread-safe: the fields are final and the services they hold are thread-safe.
 */
@Component(service = RunCommands.class, property = {
    "osgi.command.scope=goflow",
    "osgi.command.function=run",
    "osgi.command.function=stream"
})
public final class RunCommands {
    private final Registry registry;
    private final GoFlow goflow;

    /**
     * Creates the commands.
     *
     * @param registry the live registry, to find pipelines
     * @param goflow this bundle's GoFlow, whose stream sources are the source plugins
     */
    @Activate
    public RunCommands(@Reference Registry registry, @Reference GoFlow goflow) {
        this.registry = registry;
        this.goflow = goflow;
    }

    /**
     * Executes a pipeline on one input and prints the result and each stage's.
     *
     * @param name the pipeline
     * @param input the input
     * @return the result
     */
    @Descriptor("execute a pipeline on one input and print its output and each stage's result")
    public String run(@Descriptor("the pipeline's name") String name,
            @Descriptor("the input, passed to the first stage as a string") String input) {
        @SuppressWarnings("unchecked")
        Pipeline<Object, ?> pipeline = registry.find(name).filter(Pipeline.class::isInstance)
                .map(p -> (Pipeline<Object, ?>) p)
                .orElseThrow(() -> missingPipeline(name));
        PipelineResult<Object, ?> result = pipeline.execute(input);
        StringBuilder sb = new StringBuilder();
        sb.append(Table.of("pipeline", "result", "output", "duration")
                .row(name, result.succeeded() ? "succeeded" : "failed", result.succeeded() ? result.output() : "-",
                        result.duration()));
        sb.append('\n');
        Table stages = Table.of("stage", "input", "output", "duration", "error");
        for (StageResult s : result.stages()) {
            stages.row(s.stageName(), s.input(), s.error() == null ? s.output() : "-", s.duration(),
                    s.error() == null ? "-" : s.error().toString());
        }
        return sb.append(stages).toString();
    }

    private IllegalArgumentException missingPipeline(String name) {
        List<String> known = new ArrayList<>();
        for (Primitive p : registry.primitives()) {
            if (p instanceof Pipeline) {
                known.add(p.name());
            }
        }
        Optional<String> other = registry.find(name).map(p -> p.kind().label());
        return new IllegalArgumentException(Names.notFound("pipeline", name, other, known));
    }

    /**
     * Prints the first elements of a stream source plugin.
     *
     * @param source the source's name
     * @param limit how many elements at most
     * @return one element per line
     * @throws InterruptedException if interrupted while pulling
     */
    @Descriptor("print the first elements of a stream source plugin (goflow.source.name)")
    public String stream(@Descriptor("the source's name") String source,
            @Descriptor("how many elements at most") long limit) throws InterruptedException {
        List<Object> items;
        try (Stream<Object> s = goflow.streams().named(source, Object.class)) {
            items = s.limit(limit).toList(Context.background());
        }
        Table t = Table.of("#", "element");
        for (int i = 0; i < items.size(); i++) {
            t.row(i + 1, items.get(i));
        }
        return t.toString();
    }
}
