package goflow.plugin.records;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage: returns a record with only the configured fields, in the configured
 * order; fields the record lacks are skipped. With no fields configured it copies the record.
 *
 * <p>Immutable after construction, so thread-safe.
 */
@Component(service = Stage.class, configurationPid = ProjectConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = Stage.NAME_PROPERTY + "=" + ProjectStage.NAME)
@Designate(ocd = ProjectConfig.class)
public final class ProjectStage implements Stage<Object, Map<String, String>> {
    /** The stage's default name: {@value}. */
    public static final String NAME = "project";

    private final String name;
    private final List<String> fields;

    /**
     * Creates the stage from its configuration.
     *
     * @param config the configuration
     * @param properties the same configuration, as raw properties: a {@code fields} written on one
     *     line of a {@code .cfg} file is one text there, which DS would silently take as one name
     * @throws IllegalArgumentException if {@code fields} is one text with a comma (a blank one is
     *     the empty list)
     */
    @Activate
    public ProjectStage(ProjectConfig config, Map<String, Object> properties) {
        this(config.goflow_stage_name(),
                Records.names(config.goflow_stage_name(), "fields", config.fields(), properties));
    }

    /**
     * Creates the stage from plain values.
     *
     * @param name the stage's name
     * @param fields the fields to keep, or empty to keep all
     */
    public ProjectStage(String name, List<String> fields) {
        this.name = name;
        this.fields = List.copyOf(fields);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, String> process(Context ctx, Object input) {
        Map<String, String> record = Records.record(name, input);
        if (fields.isEmpty()) {
            return record;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String f : fields) {
            if (record.containsKey(f)) {
                out.put(f, record.get(f));
            }
        }
        return out;
    }
}
