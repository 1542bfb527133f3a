package goflow.api.function;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Like {@link java.util.function.Predicate}, but {@link #test} may throw checked exceptions, so
 * a test that does blocking I/O needs no wrapping. Lambdas and method references such as
 * {@code Objects::nonNull} fit; pass an existing {@code Predicate p} as {@code p::test}.
 *
 * <p>Implementations must be thread-safe when the operation they are given to calls them from
 * several threads; the operation documents that.
 *
 * @param <T> the input type
 */
@ConsumerType
@FunctionalInterface
public interface ThrowingPredicate<T> {

    /**
     * Evaluates the predicate.
     *
     * @param t the input
     * @return whether {@code t} matches
     * @throws Exception any failure; the operation that called the predicate says what becomes of
     *     it
     */
    boolean test(T t) throws Exception;
}
