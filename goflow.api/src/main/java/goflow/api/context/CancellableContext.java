package goflow.api.context;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A {@link Context} its creator can cancel. Close it (for example with try-with-resources) once
 * the work it scopes is over: that releases its timer and its registration with the parent.
 *
 * <pre>{@code
 * try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(2))) {
 *     limiter.await(ctx);
 * }
 * }</pre>
 *
 * <p>Thread-safe: any thread may cancel it, any number of times.
 */
@ProviderType
public interface CancellableContext extends Context, AutoCloseable {

    /** Cancels this context and its descendants; does nothing if it is already done. */
    void cancel();

    /**
     * Cancels this context and its descendants, recording why; does nothing if it is already done.
     *
     * @param cause the reason, reported by {@link #cause()} and as the cause of the
     *     {@link CancelledException}; may be {@code null}
     */
    void cancel(Throwable cause);

    /** Same as {@link #cancel()}: releases the context when the scope it guards ends. */
    @Override
    void close();
}
