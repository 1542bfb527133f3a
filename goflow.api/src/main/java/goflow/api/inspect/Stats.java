package goflow.api.inspect;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

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
     * @return an unmodifiable map in display order
     */
    Map<String, Object> toMap();
}
