package goflow.api.inspect;

import java.util.Objects;

import goflow.api.Primitive;

/**
 * One row of the registry: a primitive's name, kind, owner and statistics at the time of the call.
 *
 * @param name the primitive's unique name
 * @param kind its kind
 * @param owner who created it: an OSGi bundle's symbolic name, a configuration PID, or
 *     {@code "application"} on a plain JVM
 * @param stats its statistics snapshot
 */
public record PrimitiveInfo(String name, Primitive.Kind kind, String owner, Stats stats) {
    /**
     * Validates the components.
     *
     * @param name the primitive's unique name
     * @param kind its kind
     * @param owner who created it
     * @param stats its statistics snapshot
     */
    public PrimitiveInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(stats, "stats");
    }
}
