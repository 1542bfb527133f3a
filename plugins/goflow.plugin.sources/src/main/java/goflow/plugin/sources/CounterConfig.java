package goflow.plugin.sources;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the {@code counter} source (PID {@value #PID}; optional). */
@ObjectClassDefinition(id = CounterConfig.PID, name = "goflow counter source",
        description = "Counts up from a start value, optionally paced.")
public @interface CounterConfig {
    /** The configuration PID. */
    String PID = "goflow.plugin.sources.counter";

    /**
     * The source's name.
     *
     * @return the name
     */
    @AttributeDefinition(name = "Source name", description = "The goflow.source.name of this source.")
    String goflow_source_name() default CounterSource.NAME;

    /**
     * The first number.
     *
     * @return the start
     */
    @AttributeDefinition(name = "Start", description = "The first number. Default: 1.")
    long start() default CounterSource.DEFAULT_START;

    /**
     * How many numbers.
     *
     * @return the count, 0 for no end
     */
    @AttributeDefinition(name = "Count", description = "How many numbers; 0 (the default) never ends (use limit).")
    long count() default 0;

    /**
     * The pause before each number after the first.
     *
     * @return an ISO-8601 duration, or empty for none
     */
    @AttributeDefinition(name = "Interval", required = false,
            description = "Pause before each number after the first, ISO-8601 (e.g. PT0.1S). Empty: none.")
    String interval() default "";
}
