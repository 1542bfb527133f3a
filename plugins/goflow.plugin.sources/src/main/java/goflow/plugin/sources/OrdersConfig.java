package goflow.plugin.sources;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the {@code orders} source (PID {@value #PID}; optional). */
@ObjectClassDefinition(id = OrdersConfig.PID, name = "goflow orders source",
        description = "Generated order lines in key=value form, reproducible from a seed.")
public @interface OrdersConfig {
    /** The configuration PID. */
    String PID = "goflow.plugin.sources.orders";

    /**
     * The source's name.
     *
     * @return the name
     */
    @AttributeDefinition(name = "Source name", description = "The goflow.source.name of this source.")
    String goflow_source_name() default OrdersSource.NAME;

    /**
     * How many lines.
     *
     * @return the count, 0 for no end
     */
    @AttributeDefinition(name = "Count", description = "How many lines; 0 (the default) never ends (use limit).")
    long count() default 0;

    /**
     * The random seed.
     *
     * @return the seed
     */
    @AttributeDefinition(name = "Seed", description = "Seed of the generator: equal seeds give equal lines.")
    long seed() default OrdersSource.DEFAULT_SEED;

    /**
     * How often a line lacks its id.
     *
     * @return n for every n-th line, 0 for never
     */
    @AttributeDefinition(name = "Invalid every", description = "Every n-th line has no id (to exercise "
            + "validation); 0 for never. Default: 17.")
    int invalidEvery() default OrdersSource.DEFAULT_INVALID_EVERY;
}
