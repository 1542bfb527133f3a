package goflow.impl.jmx;

import goflow.api.Primitive;

/**
 * Chooses the live-change {@link Operations} for a primitive by its type.
 *
 * <p>Stateless and thread-safe.
 */
final class StandardOperations {
    private StandardOperations() {
    }

    static Operations of(Primitive primitive) {
        return Operations.NONE;
    }
}
