package goflow.api.function;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Like {@link java.util.function.Function}, but {@link #apply} may throw checked exceptions, so
 * a function that does blocking I/O needs no wrapping. Lambdas and method references such as
 * {@code String::trim} or {@code Files::readString} fit; pass an existing {@code Function f} as
 * {@code f::apply}.
 *
 * <p>Implementations must be thread-safe when the operation they are given to calls them from
 * several threads (a pipeline used concurrently, {@code mapConcurrent}); the operation documents
 * that.
 *
 * @param <T> the input type
 * @param <R> the result type
 */
@ConsumerType
@FunctionalInterface
public interface ThrowingFunction<T, R> {

    /**
     * Applies the function.
     *
     * @param t the input
     * @return the result
     * @throws Exception any failure; the operation that called the function says what becomes of
     *     it
     */
    R apply(T t) throws Exception;
}
