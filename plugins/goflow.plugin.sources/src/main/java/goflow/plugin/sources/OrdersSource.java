package goflow.plugin.sources;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.context.Context;
import goflow.api.stream.StreamSource;

/**
 * The {@value #NAME} source: generated order lines such as
 * {@code "id=1 customer=c07 amount=42.17 currency=EUR"}, reproducible from a seed; every
 * {@code invalidEvery}-th line has no {@code id} (so that a {@code require} stage has something
 * to reject). Also usable on its own through {@link #line(long)}.
 *
 * <p>Immutable after construction, so thread-safe; each cursor generates on its own.
 */
@Component(service = StreamSource.class, configurationPid = OrdersConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = StreamSource.NAME_PROPERTY + "=" + OrdersSource.NAME)
@Designate(ocd = OrdersConfig.class)
public final class OrdersSource implements StreamSource<String> {
    /** The source's default name: {@value}. */
    public static final String NAME = "orders";
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "CHF"};

    private final long count;
    private final long seed;
    private final int invalidEvery;

    /** The default of {@code seed}: {@value}. */
    static final long DEFAULT_SEED = 42;
    /** The default of {@code invalidEvery}: {@value}. */
    static final int DEFAULT_INVALID_EVERY = 17;

    /**
     * Creates the source from its configuration. The numbers are read from the raw properties, so
     * that a value of the wrong type is rejected naming the property and the value (DS's own
     * conversion would turn 1.5 into 1, NaN into 0 and an {@code invalidEvery} of 4294967313 into 17).
     *
     * @param config the configuration
     * @param properties the same configuration, as raw properties
     * @throws IllegalArgumentException naming the source, the property, the value and the rule if
     *     {@code count} is not a whole {@code long} from 0, {@code seed} not a whole {@code long}, or
     *     {@code invalidEvery} not a whole {@code int} from 0
     */
    @Activate
    public OrdersSource(OrdersConfig config, Map<String, Object> properties) {
        this(Numbers.longProperty(config.goflow_source_name(), "count", properties, 0, 0, Long.MAX_VALUE),
                Numbers.longProperty(config.goflow_source_name(), "seed", properties, DEFAULT_SEED, Long.MIN_VALUE,
                        Long.MAX_VALUE),
                Numbers.intProperty(config.goflow_source_name(), "invalidEvery", properties, DEFAULT_INVALID_EVERY, 0,
                        Integer.MAX_VALUE));
    }

    /**
     * Creates the source from plain values.
     *
     * @param count how many lines, 0 for no end
     * @param seed the generator's seed
     * @param invalidEvery every n-th line lacks its id; 0 for never
     * @throws IllegalArgumentException if {@code count} or {@code invalidEvery} is negative
     */
    public OrdersSource(long count, long seed, int invalidEvery) {
        if (count < 0 || invalidEvery < 0) {
            throw new IllegalArgumentException("source '" + NAME + "': count " + count + " and invalidEvery "
                    + invalidEvery + " must be 0 or more");
        }
        this.count = count;
        this.seed = seed;
        this.invalidEvery = invalidEvery;
    }

    /**
     * Returns the n-th line (from 1), as every cursor generates it.
     *
     * @param n the line number, from 1
     * @return the line
     */
    public String line(long n) {
        SplittableRandom r = new SplittableRandom(seed * 31 + n);
        String fields = String.format(Locale.ROOT, "customer=c%02d amount=%d.%02d currency=%s",
                r.nextInt(1, 50), r.nextInt(1, 500), r.nextInt(100), CURRENCIES[r.nextInt(CURRENCIES.length)]);
        return invalidEvery > 0 && n % invalidEvery == 0 ? fields : "id=" + n + " " + fields;
    }

    @Override
    public Cursor<String> open(Context ctx) {
        return new Cursor<>() {
            private long n;

            @Override
            public boolean tryAdvance(Context c, Consumer<? super String> action) {
                if (count > 0 && n >= count) {
                    return false;
                }
                action.accept(line(++n));
                return true;
            }
        };
    }
}
