package goflow.api.function;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Like {@link java.util.function.Consumer}, but {@link #accept} may throw checked exceptions, so
 * an action that does blocking I/O needs no wrapping. Lambdas and method references such as
 * {@code list::add} or {@code writer::write} fit; pass an existing {@code Consumer c} as
 * {@code c::accept}.
 *
 * <p>Implementations must be thread-safe when the operation they are given to calls them from
 * several threads; the operation documents that.
 *
 * @param <T> the input type
 */
@ConsumerType
@FunctionalInterface
public interface ThrowingConsumer<T> {

    /**
     * Performs the action.
     *
     * @param t the input
     * @throws Exception any failure; the operation that called the action says what becomes of it
     */
    void accept(T t) throws Exception;
}
