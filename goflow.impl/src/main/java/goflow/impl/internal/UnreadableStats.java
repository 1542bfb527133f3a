package goflow.impl.internal;

import java.util.Map;

import goflow.api.inspect.Stats;

/**
 * The statistics row of a primitive whose {@code stats()} threw (a primitive registered from outside,
 * see {@link goflow.api.GoFlow#register}): one text figure, {@code statsError}, naming what it threw,
 * so that one such primitive stays listed and does not take every reader of the registry down
 * (the shell, JMX, the dashboard, the metrics).
 *
 * <p>Immutable and thread-safe.
 *
 * @param statsError the throwable's class and message
 */
public record UnreadableStats(String statsError) implements Stats {
    /** The name of the one figure, {@value}: also the JMX attribute of such a primitive. */
    public static final String FIGURE = "statsError";

    /**
     * Describes {@code failure}.
     *
     * @param failure what {@code stats()} threw
     * @return the row's statistics
     */
    public static UnreadableStats of(Throwable failure) {
        return new UnreadableStats(String.valueOf(failure));
    }

    /**
     * Returns the one figure.
     *
     * @return {@code statsError} and its text
     */
    @Override
    public Map<String, Object> toMap() {
        return Map.of(FIGURE, statsError);
    }
}
