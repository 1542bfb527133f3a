package goflow.api.stream;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.Registration;

/**
 * The named {@link StreamSource}s of one {@link goflow.api.GoFlow}. On a plain JVM the application
 * registers them; in an OSGi framework goflow also registers every {@code StreamSource} service
 * that has the {@link StreamSource#NAME_PROPERTY} property, and removes it when the service goes.
 *
 * <p>Each name has {@link SourceStats statistics} that outlive the sources registered under it:
 * a source that replaces another of the same name (an updated plugin) continues its counts.
 *
 * <pre>{@code
 * SourceStats s = goflow.streamSources().stats("orders").orElseThrow();
 * System.out.println(s.opened() + " opened, " + s.open() + " open, " + s.elements() + " elements");
 * }</pre>
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface StreamSources {

    /**
     * Lists a source under a name.
     *
     * @param name the name: 1 to 128 characters, no whitespace (Unicode spaces included), control
     *     or invisible formatting characters, unpaired surrogates or any of {@code , = : " * ?}
     * @param source the source
     * @return a registration whose {@code close()} removes the source again (streams already
     *     running on it are not affected)
     * @throws goflow.api.InvalidConfigException if the name is invalid or already taken, or the
     *     source is null
     */
    Registration register(String name, StreamSource<?> source);

    /**
     * Looks a source up by name.
     *
     * @param name the name
     * @return the source, or empty if none is registered under that name
     */
    Optional<StreamSource<?>> find(String name);

    /**
     * Returns the names registered right now.
     *
     * @return an immutable, sorted snapshot of the names
     */
    Set<String> names();

    /**
     * Returns the statistics of a name: of the cursors that streams built with
     * {@link Streams#named(String, Class)} opened on the sources registered under it, now or
     * before. {@link #find(String)} returns the registered source itself; streams built on it
     * with {@link Streams#fromSource(StreamSource)} are not counted.
     *
     * @param name the name
     * @return a snapshot, or empty if no source was ever registered under the name
     */
    Optional<SourceStats> stats(String name);

    /**
     * Returns the statistics of every name a source was ever registered under, bound now or not.
     *
     * @return an immutable snapshot, sorted by name
     */
    Map<String, SourceStats> stats();
}
