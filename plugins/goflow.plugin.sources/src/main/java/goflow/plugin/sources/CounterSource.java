package goflow.plugin.sources;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.context.Context;
import goflow.api.stream.StreamSource;

/**
 * The {@value #NAME} source: {@code start, start + 1, ...} as {@code Long}s, {@code count} of
 * them (0: without end), waiting {@code interval} before each one after the first. It does not wrap
 * around: a {@code count} that would go past {@link Long#MAX_VALUE} is refused, and a counter without
 * end fails with an {@code ArithmeticException} after it. The wait uses
 * the operation's context, so it ends at once when the stream is cancelled or closed.
 *
 * <p>Immutable after construction, so thread-safe; each cursor counts on its own.
 */
@Component(service = StreamSource.class, configurationPid = CounterConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = StreamSource.NAME_PROPERTY + "=" + CounterSource.NAME)
@Designate(ocd = CounterConfig.class)
public final class CounterSource implements StreamSource<Long> {
    /** The source's default name: {@value}. */
    public static final String NAME = "counter";

    private final String name;
    private final long start;
    private final long count;
    private final Duration interval;

    /** The default of {@code start}: {@value}. */
    static final long DEFAULT_START = 1;

    /**
     * Creates the source from its configuration. {@code start} and {@code count} are read from the
     * raw properties, so that a value of the wrong type is rejected naming the property and the
     * value (DS's own conversion would turn 1.5 into 1 and NaN into 0, a counter without end).
     *
     * @param config the configuration
     * @param properties the same configuration, as raw properties
     * @throws IllegalArgumentException naming the source, the property, the value and the rule if
     *     {@code start} is not a whole {@code long}, {@code count} not one from 0, or
     *     {@code interval} not an ISO-8601 duration from zero (a list of other than one value is
     *     refused: DS would take its first)
     */
    @Activate
    public CounterSource(CounterConfig config, Map<String, Object> properties) {
        this(config.goflow_source_name(),
                Numbers.longProperty(config.goflow_source_name(), "start", properties, DEFAULT_START, Long.MIN_VALUE,
                        Long.MAX_VALUE),
                Numbers.longProperty(config.goflow_source_name(), "count", properties, 0, 0, Long.MAX_VALUE),
                Durations.parse(config.goflow_source_name(), "interval",
                        Texts.single(config.goflow_source_name(), "interval", config.interval(), properties)));
    }

    /**
     * Creates the source from plain values.
     *
     * @param start the first number
     * @param count how many, 0 for no end
     * @param interval the pause before each number after the first; zero for none
     * @throws IllegalArgumentException if {@code count} is negative, or the numbers would go past
     *     {@link Long#MAX_VALUE}
     */
    public CounterSource(long start, long count, Duration interval) {
        this(NAME, start, count, interval);
    }

    private CounterSource(String name, long start, long count, Duration interval) {
        if (count < 0) {
            throw new IllegalArgumentException("source '" + name + "': count " + count + " must be 0 or more");
        }
        if (count > 0 && start > Long.MAX_VALUE - (count - 1)) {
            throw new IllegalArgumentException("source '" + name + "': start " + start + " and count " + count
                    + " go past the largest number " + Long.MAX_VALUE);
        }
        this.name = name;
        this.start = start;
        this.count = count;
        this.interval = interval;
    }

    @Override
    public Cursor<Long> open(Context ctx) {
        return new Cursor<>() {
            private long emitted;

            @Override
            public boolean tryAdvance(Context c, Consumer<? super Long> action) throws InterruptedException {
                if (count > 0 && emitted >= count) {
                    return false;
                }
                long next;
                try {
                    next = Math.addExact(start, emitted);
                } catch (ArithmeticException e) {
                    throw new ArithmeticException("source '" + name + "': counted up to the largest number "
                            + Long.MAX_VALUE + "; there is no next one");
                }
                if (emitted > 0 && !interval.isZero()) {
                    c.sleep(interval);
                }
                emitted++;
                action.accept(next);
                return true;
            }
        };
    }
}
