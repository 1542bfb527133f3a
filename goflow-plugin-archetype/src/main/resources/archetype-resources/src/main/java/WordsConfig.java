package ${package};

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The configuration of the {@code ${sourceName}} stream source, with Metatype: PID
 * {@code ${package}.${sourceName.replace('-', '')}} (the source's name without its dashes). It is optional; without it the
 * source uses the defaults below. In the goflow container, put it in {@code deploy/${package}.${sourceName.replace('-', '')}.config};
 * in Karaf, in {@code etc/}. An array needs the typed {@code .config} format, e.g. {@code words=["a","b"]}.
 */
@ObjectClassDefinition(id = WordsConfig.PID, name = "${sourceName} source",
        description = "The configured words, repeat times, optionally paced.")
public @interface WordsConfig {
    /** The configuration PID. */
    String PID = "${package}.${sourceName.replace('-', '')}";

    /**
     * The source's name, the service property {@code goflow.source.name} that streams find it by.
     *
     * @return the name
     */
    @AttributeDefinition(name = "Source name", description = "The goflow.source.name of this source.")
    String goflow_source_name() default WordsSource.NAME;

    /**
     * The words, in order.
     *
     * @return the words
     */
    @AttributeDefinition(name = "Words", cardinality = Integer.MAX_VALUE,
            description = "The words, in order. Default: alpha, beta, gamma.")
    String[] words() default {"alpha", "beta", "gamma"};

    /**
     * How many times the words are delivered.
     *
     * @return the count, 0 for no end
     */
    @AttributeDefinition(name = "Repeat", description = "How many times the words are delivered; 0 never ends. Default: 1.")
    long repeat() default 1;

    /**
     * The pause before each element after the first.
     *
     * @return an ISO-8601 duration, or empty for none
     */
    @AttributeDefinition(name = "Interval", required = false,
            description = "Pause before each element after the first, ISO-8601 (e.g. PT0.5S). Empty: none.")
    String interval() default "";
}
