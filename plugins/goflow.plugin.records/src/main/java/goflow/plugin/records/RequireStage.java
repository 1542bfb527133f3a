package goflow.plugin.records;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage: passes a record on unchanged when every required field is present
 * and not blank; otherwise the item fails with an error listing the missing fields.
 *
 * <p>Immutable after construction, so thread-safe.
 */
@Component(service = Stage.class, configurationPid = RequireConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = Stage.NAME_PROPERTY + "=" + RequireStage.NAME)
@Designate(ocd = RequireConfig.class)
public final class RequireStage implements Stage<Object, Map<String, String>> {
    /** The stage's default name: {@value}. */
    public static final String NAME = "require";

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
    public RequireStage(RequireConfig config, Map<String, Object> properties) {
        this(config.goflow_stage_name(),
                Records.names(config.goflow_stage_name(), "fields", config.fields(), properties));
    }

    /**
     * Creates the stage from plain values.
     *
     * @param name the stage's name
     * @param fields the required fields
     * @throws IllegalArgumentException if a field name is blank (no record could have it)
     */
    public RequireStage(String name, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).isBlank()) {
                throw new IllegalArgumentException("stage '" + name + "': field " + (i + 1) + " '" + fields.get(i)
                        + "' in fields " + fields + " is blank; each must name a field");
            }
        }
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
        List<String> missing = new ArrayList<>();
        for (String f : fields) {
            String v = record.get(f);
            if (v == null || v.isBlank()) {
                missing.add(f);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("stage '" + name + "': missing required field"
                    + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing));
        }
        return record;
    }
}
