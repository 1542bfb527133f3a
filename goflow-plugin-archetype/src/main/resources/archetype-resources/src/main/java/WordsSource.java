package ${package};

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.context.Context;
import goflow.api.stream.StreamSource;

/**
 * The {@code ${sourceName}} stream source: the configured words in order, {@code repeat} times
 * (0: without end), waiting {@code interval} before each element after the first. A
 * {@code StreamSource} service with {@code goflow.source.name=${sourceName}}.
 *
 * <p>The wait uses the stream's context, so it ends at once when the stream is cancelled, closed
 * or stops early; the cursor holds no resource, so closing it has nothing to release. Immutable
 * after construction, so thread-safe; each cursor counts on its own and is used by one thread at a
 * time. A cursor opened before this bundle is updated or stopped keeps working until its stream
 * ends; new streams use the new instance.
 */
@Component(service = StreamSource.class, configurationPid = WordsConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = StreamSource.NAME_PROPERTY + "=" + WordsSource.NAME)
@Designate(ocd = WordsConfig.class)
public final class WordsSource implements StreamSource<String> {
    /** The source's default name. */
    public static final String NAME = "${sourceName}";

    private final List<String> words;
    private final long repeat;
    private final Duration interval;

    /**
     * Creates the source from its configuration (Declarative Services). An invalid configuration
     * fails the activation: DS logs the error and no service is registered. {@code repeat} is read
     * from the raw properties: DS's own conversion of {@code config.repeat()} would turn 1.5 into 1
     * and NaN into 0 (a stream without end) without a word; and {@code interval} given as a list
     * is refused, where DS would take its first value. Property names are matched without regard
     * to case, as Configuration Admin matches them.
     *
     * @param config the configuration
     * @param properties the same configuration, as raw properties
     * @throws IllegalArgumentException if a value is invalid (the message names it)
     */
    @Activate
    public WordsSource(WordsConfig config, Map<String, Object> properties) {
        this(config.goflow_source_name(), List.of(config.words()),
                raw(properties, "repeat") != null ? repeat(config.goflow_source_name(), raw(properties, "repeat"))
                        : config.repeat(),
                interval(config.goflow_source_name(),
                        oneText(config.goflow_source_name(), "interval", raw(properties, "interval"), config.interval())));
    }

    /**
     * The raw value of a configuration property, its name matched without regard to case.
     *
     * @param properties the raw configuration properties
     * @param property the property's name
     * @return its value, or null when it is absent
     */
    static Object raw(Map<String, Object> properties, String property) {
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            if (e.getKey().equalsIgnoreCase(property)) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * Returns a configured text, refusing a list of other than one value (a {@code .config} file's
     * {@code ["PT1S","PT2S"]}): DS would take its first value without a word.
     *
     * @param name the source's name, for the error
     * @param property the property's name
     * @param raw its raw value, or null
     * @param converted the text as DS converted it
     * @return {@code converted}
     * @throws IllegalArgumentException if the raw value is a list of other than one value
     */
    static String oneText(String name, String property, Object raw, String converted) {
        List<Object> values = new ArrayList<>();
        if (raw instanceof Collection<?> c) {
            values.addAll(c);
        } else if (raw != null && raw.getClass().isArray()) {
            for (int i = 0; i < java.lang.reflect.Array.getLength(raw); i++) {
                values.add(java.lang.reflect.Array.get(raw, i));
            }
        } else {
            return converted;
        }
        if (values.size() != 1) {
            throw new IllegalArgumentException("source '" + name + "': " + property + " " + values
                    + " must be one text, not a list of " + values.size());
        }
        return converted;
    }

    /**
     * Creates the source from plain values.
     *
     * @param name the source's name, for error messages
     * @param words the words
     * @param repeat how many times the words are delivered, 0 for no end
     * @param interval the pause before each element after the first; zero for none
     * @throws IllegalArgumentException if {@code repeat} or {@code interval} is negative
     */
    public WordsSource(String name, List<String> words, long repeat, Duration interval) {
        if (repeat < 0) {
            throw new IllegalArgumentException("source '" + name + "': repeat " + repeat + " must be 0 or more");
        }
        if (interval.isNegative()) {
            throw new IllegalArgumentException("source '" + name + "': interval " + interval + " must not be negative");
        }
        this.words = List.copyOf(words);
        this.repeat = repeat;
        this.interval = interval;
    }

    /**
     * Reads the configured repeat.
     *
     * @param name the source's name, for the error
     * @param value the raw value: a whole number, or its digits (a {@code .cfg} file gives text)
     * @return the repeat
     * @throws IllegalArgumentException if the value is not a whole number from 0
     */
    static long repeat(String name, Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            long n = ((Number) value).longValue();
            if (n >= 0) {
                return n;
            }
        } else if (value instanceof String s && s.strip().matches("[0-9]+")) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException tooLarge) {
                // named below
            }
        }
        throw new IllegalArgumentException("source '" + name + "': repeat "
                + (value instanceof String ? "'" + value + "'" : value) + " must be a whole number from 0");
    }

    /**
     * Parses the configured interval.
     *
     * @param name the source's name, for the error
     * @param text an ISO-8601 duration, or blank for none
     * @return the interval
     * @throws IllegalArgumentException if the text is not an ISO-8601 duration
     */
    static Duration interval(String name, String text) {
        if (text.isBlank()) {
            return Duration.ZERO;
        }
        try {
            return Duration.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("source '" + name + "': interval '" + text
                    + "' is not an ISO-8601 duration such as PT0.5S", e);
        }
    }

    @Override
    public Cursor<String> open(Context ctx) {
        return new Cursor<>() {
            private long delivered;

            @Override
            public boolean tryAdvance(Context c, Consumer<? super String> action) throws InterruptedException {
                int n = words.size();
                if (n == 0 || (repeat > 0 && delivered / n >= repeat)) {
                    return false;
                }
                if (delivered > 0 && !interval.isZero()) {
                    c.sleep(interval);
                }
                action.accept(words.get((int) (delivered++ % n)));
                return true;
            }
        };
    }
}
