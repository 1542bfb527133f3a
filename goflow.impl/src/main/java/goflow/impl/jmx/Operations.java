package goflow.impl.jmx;

import java.util.List;

import javax.management.openmbean.OpenType;

import goflow.api.Primitive;

/**
 * The live-change operations an MBean offers for one kind of primitive (a limiter's rate and
 * burst, a pool's size), kept apart from {@link PrimitiveMBean} so that each kind declares its
 * own. Implementations are stateless and thread-safe.
 */
public interface Operations {

    /** No operations. */
    Operations NONE = new Operations() {
        @Override
        public List<Operation> list() {
            return List.of();
        }

        @Override
        public Object invoke(Primitive primitive, String name, Object[] args) {
            throw new UnsupportedOperationException("no operation " + name + " on " + primitive.kind().label());
        }
    };

    /**
     * Returns the operations offered.
     *
     * @return the operations, in display order
     */
    List<Operation> list();

    /**
     * Runs one operation.
     *
     * @param primitive the primitive
     * @param name the operation's name
     * @param args its arguments, of the declared open types
     * @return the result, or null
     * @throws IllegalArgumentException if an argument is invalid (the message names it)
     * @throws UnsupportedOperationException if there is no such operation
     */
    Object invoke(Primitive primitive, String name, Object[] args);

    /**
     * One operation.
     *
     * @param name its name
     * @param description what it does
     * @param parameters its parameters
     */
    record Operation(String name, String description, List<Parameter> parameters) { }

    /**
     * One parameter of an operation.
     *
     * @param name its name
     * @param description what it means
     * @param type its open type
     */
    record Parameter(String name, String description, OpenType<?> type) { }
}
