package goflow.impl.osgi;

import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineBuilder;
import goflow.api.pipeline.PipelineStart;
import goflow.api.pipeline.Stage;
import goflow.api.pipeline.StageRegistry;
import goflow.impl.GoFlowImpl;

/**
 * A pipeline per factory configuration {@value PipelineConfig#PID}, composed of stage plugins by
 * name and bound late ({@link StageRegistry#reference(String)}): a stage plugin installed,
 * updated or uninstalled later is followed at run time; while it is missing, executions fail at
 * that stage at once with a {@code StageNotFoundException}. Registered with {@code goflow.name};
 * any change recreates it, and a change that is rejected leaves it in effect (checked by a dry run
 * first); deleting the configuration closes it.
 *
 * <p>Thread-safe: see {@link Configured}.
 */
@Component(configurationPid = PipelineConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = PipelineConfig.class, factory = true)
public final class PipelineComponent extends ConfiguredComponent<PipelineConfig, Pipeline<Object, Object>> {
    static final Configured.Kind<PipelineConfig, Pipeline<Object, Object>> KIND = new Configured.Kind<>(
            PipelineConfig.PID, "pipeline", PipelineConfig.class, Pipeline.class, Primitive.class) {
        @Override
        String name(PipelineConfig config) {
            return config.name();
        }

        @Override
        List<Object> fixed(PipelineConfig config) {
            return List.of(List.of(config.stages()), config.stopOnError(), config.timeout());
        }

        @Override
        void check(PipelineConfig config) {
            dryRun(config); // a rejected change leaves the pipeline in effect, and its users, undisturbed
        }

        @Override
        Pipeline<Object, Object> build(GoFlow goflow, PipelineConfig config, String name) {
            List<String> names = List.of(config.stages());
            if (names.isEmpty()) {
                throw new InvalidConfigException("pipeline", "stages", names, "must name at least one stage",
                        "list the goflow.stage.name of each stage in order");
            }
            PipelineStart start = goflow.pipeline(name).stopOnError(config.stopOnError());
            if (!config.timeout().isBlank()) {
                start = start.timeout(Configured.duration("pipeline", "timeout", config.timeout(), "none"));
            }
            StageRegistry stages = goflow.stages();
            PipelineBuilder<Object, Object> b = start.stage(stage(stages, names.get(0)));
            for (String stage : names.subList(1, names.size())) {
                b = b.stage(stage(stages, stage));
            }
            return b.build();
        }

        @Override
        List<Configured.Change> live(GoFlowImpl goflow, Pipeline<Object, Object> p, PipelineConfig config) {
            return none(goflow, p); // every setting is fixed: a pipeline is not recreated by an update that changes none
        }
    };

    /**
     * Creates and registers the pipeline (or logs why the configuration is rejected).
     *
     * @param context this bundle's context
     * @param properties the configuration's properties
     * @param live the live registry
     * @param plugins the stage plugins
     */
    @Activate
    public PipelineComponent(BundleContext context, Map<String, Object> properties, @Reference LiveRegistry live,
            @Reference Plugins plugins) {
        super(Configured.start(context, properties, live, plugins, KIND));
    }

    /** A late-bound reference to a stage; an invalid stage name is blamed on {@code stages}, not on a name. */
    static Stage<Object, Object> stage(StageRegistry stages, String name) {
        try {
            return stages.reference(name);
        } catch (InvalidConfigException e) {
            throw new InvalidConfigException("pipeline", "stages", name, "is not a stage name: it " + e.rule(),
                    "each entry is the goflow.stage.name of a stage "
                    + "plugin; in a .cfg file a list needs the .config format: stages=[\"trim\",\"upper\"]");
        }
    }
}
