package goflow.plugin.sources;

import java.time.Duration;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.context.Context;
import goflow.api.stream.StreamSource;

/**
 * The {@value #NAME} source: {@code start, start + 1, ...} as {@code Long}s, {@code count} of
 * them (0: without end), waiting {@code interval} before each one after the first. The wait uses
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

    private final long start;
    private final long count;
    private final Duration interval;

    /**
     * Creates the source from its configuration.
     *
     * @param config the configuration
     */
    @Activate
    public CounterSource(CounterConfig config) {
        this(config.start(), config.count(), Durations.parse(config.goflow_source_name(), "interval", config.interval()));
    }

    /**
     * Creates the source from plain values.
     *
     * @param start the first number
     * @param count how many, 0 for no end
     * @param interval the pause before each number after the first; zero for none
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public CounterSource(long start, long count, Duration interval) {
        if (count < 0) {
            throw new IllegalArgumentException("source '" + NAME + "': count " + count + " must be 0 or more");
        }
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
                if (emitted > 0 && !interval.isZero()) {
                    c.sleep(interval);
                }
                action.accept(start + emitted++);
                return true;
            }
        };
    }
}
