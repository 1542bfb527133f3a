package goflow.plugin.records;

import java.time.Clock;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage: returns the record with one more field (by default
 * {@code timestamp}) holding the processing time as an ISO-8601 instant, replacing any value it
 * had.
 *
 * <p>Immutable after construction, so thread-safe.
 */
@Component(service = Stage.class, configurationPid = TimestampConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = Stage.NAME_PROPERTY + "=" + TimestampStage.NAME)
@Designate(ocd = TimestampConfig.class)
public final class TimestampStage implements Stage<Object, Map<String, String>> {
    /** The stage's default name: {@value}. */
    public static final String NAME = "timestamp";

    private final String name;
    private final String field;
    private final Clock clock;

    /**
     * Creates the stage from its configuration, with the system clock.
     *
     * @param config the configuration
     * @param properties the same configuration, as raw properties: DS would take the first value of
     *     a list given as {@code field}
     * @throws IllegalArgumentException if the field is blank or a list of other than one value
     */
    @Activate
    public TimestampStage(TimestampConfig config, Map<String, Object> properties) {
        this(config.goflow_stage_name(),
                Records.single(config.goflow_stage_name(), "field", config.field(), properties), Clock.systemUTC());
    }

    /**
     * Creates the stage from plain values.
     *
     * @param name the stage's name
     * @param field the field that receives the time
     * @param clock the wall clock read for each record
     * @throws IllegalArgumentException if the field is blank
     */
    public TimestampStage(String name, String field, Clock clock) {
        if (field.isBlank()) {
            throw new IllegalArgumentException("stage '" + name + "': field '" + field
                    + "' is blank; it must name the field that receives the time");
        }
        this.name = name;
        this.field = field;
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, String> process(Context ctx, Object input) {
        Map<String, String> record = Records.record(name, input);
        record.put(field, clock.instant().toString());
        return record;
    }
}
