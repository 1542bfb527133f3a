package goflow.api.stream;

import java.util.Iterator;
import java.util.function.Supplier;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Creates {@link Stream}s; obtained from {@link goflow.api.GoFlow#streams()}. Streams are not
 * registered primitives: they live only as long as one chain of operations, and a stream that
 * never runs a terminal operation holds no thread and no resource of goflow's (only the source
 * it was given, which {@link Stream#close()} closes).
 *
 * <p>Why factories live here and not as static methods on {@code Stream}: the API bundle holds only
 * contracts, so a static factory there could not reach the implementation, and keeping the stream
 * machinery in the implementation lets it use goflow's clock, thread naming and source registry.
 *
 * <p>Every factory checks its argument at once and throws
 * {@link goflow.api.InvalidConfigException} when it is null, and {@link goflow.api.ClosedException}
 * once the {@code GoFlow} was closed. Thread-safe.
 */
@ProviderType
public interface Streams {

    /**
     * Streams the elements of an {@code Iterable} (a collection, for example), in its iteration
     * order. The iterator is created when the terminal operation starts.
     *
     * @param <T> the element type
     * @param elements the elements; may contain {@code null}
     * @return a new stream
     */
    <T> Stream<T> of(Iterable<? extends T> elements);

    /**
     * Streams what an iterator returns. If the iterator is also {@link AutoCloseable}, the stream
     * closes it when it ends or is closed.
     *
     * @param <T> the element type
     * @param iterator the iterator, consumed by the terminal operation
     * @return a new stream
     */
    <T> Stream<T> fromIterator(Iterator<? extends T> iterator);

    /**
     * Streams the elements of a {@code java.util.stream.Stream}, pulling them one at a time. The
     * stream closes it (running its {@code onClose} handlers) when it ends or is closed.
     *
     * @param <T> the element type
     * @param stream the Java stream, consumed by the terminal operation
     * @return a new stream
     */
    <T> Stream<T> fromStream(java.util.stream.Stream<? extends T> stream);

    /**
     * Streams the values of a supplier, called once for each element pulled: an infinite stream,
     * to be ended by {@code limit}, {@code takeWhile}, a short-circuiting terminal operation or
     * its context.
     *
     * @param <T> the element type
     * @param generator called each time the stream needs an element, on the pulling thread
     * @return a new infinite stream
     */
    <T> Stream<T> generate(Supplier<? extends T> generator);

    /**
     * Returns a stream with no elements.
     *
     * @param <T> the element type
     * @return a new, empty stream
     */
    <T> Stream<T> empty();

    /**
     * Streams the values received from a channel, in FIFO order, waiting while it is empty; the
     * stream ends when the channel is closed and drained. Each element is received only when the
     * chain asks for it. The stream does not own the channel: ending or closing the stream leaves
     * the channel open, and values still in it stay there.
     *
     * @param <T> the element type
     * @param channel the channel to receive from
     * @return a new stream
     */
    <T> Stream<T> fromChannel(goflow.api.channel.BackpressureChannel<? extends T> channel);

    /**
     * Streams from a source: its {@link StreamSource#open cursor} is opened when the terminal
     * operation starts and closed when it ends.
     *
     * @param <T> the element type
     * @param source the source
     * @return a new stream
     */
    <T> Stream<T> fromSource(StreamSource<? extends T> source);

    /**
     * Streams from the source registered in {@link goflow.api.GoFlow#streamSources()} under
     * {@code name}. The source is looked up now; each element is checked against {@code type}.
     *
     * @param <T> the element type
     * @param name the source's name
     * @param type the element type the caller expects (for a primitive type such as
     *     {@code int.class}, its wrapper); an element of another type makes the terminal operation
     *     throw {@link ClassCastException}
     * @return a new stream
     * @throws goflow.api.GoFlowException if no source has that name (the message lists the names
     *     that exist)
     */
    <T> Stream<T> named(String name, Class<T> type);
}
