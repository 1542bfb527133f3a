package goflow.api.inspect;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.Primitive;

/**
 * The live primitives: every primitive is listed from its creation until it is closed.
 *
 * <p>Thread-safe; each method returns a snapshot that does not change afterwards.
 */
@ProviderType
public interface Registry {

    /**
     * Returns every live primitive, sorted by kind and then name.
     *
     * @return an unmodifiable snapshot
     */
    List<Primitive> primitives();

    /**
     * Returns one row per live primitive, with owner and a fresh statistics snapshot, sorted by
     * kind and then name. A primitive whose {@code stats()} throws (one registered from outside
     * with {@link goflow.api.GoFlow#register}) is listed all the same, with statistics whose one
     * figure, {@code statsError}, names what it threw: it never fails the whole snapshot.
     *
     * @return an unmodifiable snapshot
     */
    List<PrimitiveInfo> snapshot();

    /**
     * Finds a live primitive by name. Names are unique per owner: in an OSGi framework, where each
     * bundle's {@code GoFlow} has its own names, two bundles may each have a primitive of the same
     * name, and this returns the one whose owner sorts first; {@link #find(PrimitiveInfo)} finds
     * the one a {@link #snapshot()} row describes.
     *
     * @param name the name
     * @return the primitive, or empty
     */
    Optional<Primitive> find(String name);

    /**
     * Finds the live primitive a {@link #snapshot()} row describes: the one of the row's owner,
     * name and kind, never another owner's primitive of the same name.
     *
     * @param row a row of a snapshot
     * @return the primitive, or empty when it has been closed since (or its name now belongs to a
     *         primitive of another kind)
     * @throws NullPointerException if {@code row} is null
     */
    Optional<Primitive> find(PrimitiveInfo row);

    /**
     * Finds a live primitive by name and type.
     *
     * @param <T> the expected type
     * @param name the name
     * @param type the expected interface, e.g. {@code WorkerPool.class}
     * @return the primitive, or empty when there is none of that name or it has another type
     */
    <T extends Primitive> Optional<T> find(String name, Class<T> type);
}
