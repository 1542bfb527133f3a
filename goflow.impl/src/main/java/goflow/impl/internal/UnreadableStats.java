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
     * Describes {@code failure}: its {@code toString()}, or, when that throws too (a message built on
     * demand that fails), its class and the class of what its message threw.
     *
     * @param failure what {@code stats()} threw
     * @return the row's statistics
     */
    public static UnreadableStats of(Throwable failure) {
        String text;
        try {
            text = String.valueOf(failure);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error unreadable) {
            text = failure.getClass().getName() + " (its message could not be read: "
                    + unreadable.getClass().getName() + ")";
        }
        return new UnreadableStats(text);
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
