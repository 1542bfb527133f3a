package goflow.shell;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.Primitive;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.inspect.Registry;
import goflow.api.pipeline.StageRegistry;

/** A configured pipeline of stage names shows as waiting while a stage plugin is missing. */
class PipelineStatusTest {
    private final GoFlow goflow = GoFlow.load();
    private final List<String> plugins = new ArrayList<>(List.of("trim"));

    /** The GoFlow's registry, with pipeline 'hash' owned by a goflow.pipeline configuration. */
    private final Registry configured = new Registry() {
        @Override
        public List<Primitive> primitives() {
            return goflow.registry().primitives();
        }

        @Override
        public List<PrimitiveInfo> snapshot() {
            List<PrimitiveInfo> rows = new ArrayList<>();
            for (PrimitiveInfo r : goflow.registry().snapshot()) {
                rows.add(r.name().equals("hash") ? new PrimitiveInfo(r.name(), r.kind(), "goflow.pipeline~hash", r.stats())
                        : r);
            }
            return rows;
        }

        @Override
        public Optional<Primitive> find(String name) {
            return goflow.registry().find(name);
        }

        @Override
        public <T extends Primitive> Optional<T> find(String name, Class<T> type) {
            return goflow.registry().find(name, type);
        }

        @Override
        public Optional<Primitive> find(PrimitiveInfo row) {
            return goflow.registry().find(row.name()).filter(p -> p.kind() == row.kind()); // one owner, relabelled
        }
    };

    private final GoFlowCommands commands = new GoFlowCommands(configured, property ->
            property.equals(PluginLister.STAGE_NAME)
                    ? plugins.stream().map(n -> new PluginLister.Plugin(n, "goflow.api.pipeline.Stage", "b", 1L)).toList()
                    : List.of(), goflow.streamSources());

    @AfterEach
    void close() {
        goflow.close();
    }

    @Test
    void configuredPipelineWaitsForItsMissingStagePluginsThenIsReady() {
        StageRegistry stages = goflow.stages();
        goflow.pipeline("hash").stage(stages.reference("trim")).stage(stages.reference("sha256"))
                .stage(stages.reference("base64-encode")).build();
        goflow.pipeline("local").stage("upper", (String s) -> s).build();

        String list = commands.pipelines();
        assertTrue(list.matches("(?s).*\n\npipeline +status\nhash +waiting for sha256, base64-encode\n"), list);
        assertFalse(list.substring(list.indexOf("pipeline  status")).contains("local"),
                "pipelines not made by configuration have no status: " + list);
        assertTrue(commands.stats().contains("hash      waiting for sha256, base64-encode"), commands.stats());
        assertTrue(commands.pipelines("hash").matches("(?s)pipeline .* status\nhash .* waiting for sha256, base64-encode\n.*"),
                commands.pipelines("hash"));

        plugins.add("sha256");
        plugins.add("base64-encode");
        assertTrue(commands.pipelines().endsWith("pipeline  status\nhash      ready\n"), commands.pipelines());
        assertTrue(commands.pipelines("local").matches("(?s)pipeline .* status\nlocal .* -\n.*"),
                commands.pipelines("local"));
    }
}
