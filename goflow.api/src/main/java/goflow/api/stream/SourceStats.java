package goflow.api.stream;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import goflow.api.inspect.Stats;

/**
 * A statistics snapshot of one named stream source, read through {@link StreamSources#stats(String)}.
 * The figures belong to the name, not to the source object registered under it: when a source is
 * replaced by another of the same name (in OSGi, when its plugin bundle is updated), the counts
 * continue. In an OSGi framework every {@code GoFlow} reports the same figures for a plugin source,
 * counted over all of them.
 *
 * <p>Counted are the cursors opened by streams built with
 * {@link Streams#named(String, Class) streams().named(name, type)}. In every snapshot
 * {@code opened == open + closed}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the source's name
 * @param bound whether a source is registered under the name right now
 * @param opened how many cursors were opened successfully
 * @param open how many of them are open now (a running terminal operation holds each)
 * @param elements how many elements the cursors delivered
 * @param failures how many opens and advances threw (or returned a null cursor, or broke the
 *     cursor contract: returned {@code true} without passing exactly one element, or {@code false}
 *     after passing one); a cursor that gives up because its context was cancelled or its thread
 *     interrupted is not counted
 * @param closed how many cursors were closed, whatever the way the operation ended
 * @param lastOpened when a cursor was last opened, or {@code null} before the first (and then absent
 *     from {@link #toMap()})
 */
public record SourceStats(String name, boolean bound, long opened, long open, long elements, long failures,
        long closed, Instant lastOpened) implements Stats {

    /**
     * Validates the components.
     *
     * @param name the source's name
     * @param bound whether a source is registered under the name now
     * @param opened cursors opened
     * @param open cursors open now
     * @param elements elements delivered
     * @param failures opens and advances that threw
     * @param closed cursors closed
     * @param lastOpened when a cursor was last opened, or null
     */
    public SourceStats {
        Objects.requireNonNull(name, "name");
    }

    /**
     * Returns when a cursor was last opened.
     *
     * @return the instant, or empty before the first
     */
    public Optional<Instant> lastOpenedTime() {
        return Optional.ofNullable(lastOpened);
    }
}
