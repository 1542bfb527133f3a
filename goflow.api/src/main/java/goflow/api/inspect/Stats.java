package goflow.api.inspect;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.internal.StatsMaps;

/**
 * An immutable statistics snapshot of one primitive. Each primitive has its own record type with
 * typed accessors; {@link #toMap()} gives the same figures in a uniform shape for the shell,
 * JMX and logging.
 *
 * <p>Snapshots are immutable and thread-safe.
 */
@ProviderType
public interface Stats {

    /**
     * Returns the figures of this snapshot as an ordered map from a stable lower-camel-case name to
     * a number, {@link java.time.Duration}, {@link java.time.Instant}, boolean or string.
     *
     * <p>For a record, the default derives the map from the record's components: one entry per
     * component, in declaration order, named after it; an enum value is given by its name, and a
     * {@code null} value (a figure that does not exist yet) is left out. A record that adds a
     * derived figure or flattens nested snapshots overrides this method and says so; an
     * implementation that is not a record must override it.
     *
     * @return an unmodifiable map in display order
     * @throws UnsupportedOperationException if this is not a record and does not override the method
     */
    default Map<String, Object> toMap() {
        return StatsMaps.toMap(this);
    }
}
