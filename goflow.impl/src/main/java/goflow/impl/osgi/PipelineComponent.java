package goflow.impl.osgi;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineBuilder;
import goflow.api.pipeline.PipelineStart;
import goflow.api.pipeline.StageRegistry;

/**
 * A pipeline per factory configuration {@value PipelineConfig#PID}, composed of stage plugins by
 * name and bound late ({@link StageRegistry#reference(String)}): a stage plugin installed,
 * updated or uninstalled later is followed at run time; while it is missing, executions fail at
 * that stage at once with a {@code StageNotFoundException}. Registered with {@code goflow.name};
 * any change recreates it; deleting the configuration closes it.
 *
 * <p>Thread-safe: DS serializes the lifecycle methods.
 */
@Component(configurationPid = PipelineConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = PipelineConfig.class, factory = true)
public final class PipelineComponent {
    private final Configured<Pipeline<Object, Object>> configured;

    /**
     * Creates and registers the pipeline.
     *
     * @param context this bundle's context
     * @param config the configuration
     * @param properties the configuration's properties (for the PID)
     * @param live the live registry
     * @param plugins the stage plugins
     */
    @Activate
    public PipelineComponent(BundleContext context, PipelineConfig config, Map<String, Object> properties,
            @Reference LiveRegistry live, @Reference Plugins plugins) {
        this.configured = new Configured<>(context, properties, live, plugins,
                new Class<?>[] {Pipeline.class, Primitive.class}, build(config, properties));
    }

    /**
     * Applies a changed configuration by recreating the pipeline.
     *
     * @param config the new configuration
     * @param properties its properties
     */
    @Modified
    public void modified(PipelineConfig config, Map<String, Object> properties) {
        configured.rebuild(build(config, properties));
    }

    /** Unregisters and closes the pipeline. */
    @Deactivate
    public void deactivate() {
        configured.close();
    }

    private static Function<GoFlow, Pipeline<Object, Object>> build(PipelineConfig config, Map<String, Object> properties) {
        String name = config.name().isEmpty() ? Configured.defaultName(properties) : config.name();
        return goflow -> {
            List<String> names = List.of(config.stages());
            if (names.isEmpty()) {
                throw new InvalidConfigException("pipeline", "stages", names, "must name at least one stage",
                        "list the goflow.stage.name of each stage in order");
            }
            PipelineStart start = name.isEmpty() ? goflow.pipeline() : goflow.pipeline(name);
            start = start.stopOnError(config.stopOnError());
            if (!config.timeout().isBlank()) {
                start = start.timeout(Configured.duration("pipeline", "timeout", config.timeout()));
            }
            StageRegistry stages = goflow.stages();
            PipelineBuilder<Object, Object> b = start.stage(stages.reference(names.get(0)));
            for (String stage : names.subList(1, names.size())) {
                b = b.stage(stages.reference(stage));
            }
            return b.build();
        };
    }
}
