package goflow.api.io;

import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.context.Context;

/**
 * Configures and creates an {@link AsyncWriter}; obtained from {@code GoFlow.asyncWriter()}.
 *
 * <pre>{@code
 * AsyncWriter log = goflow.asyncWriter().name("access-log").output(out).capacity(256 * 1024).build();
 * }</pre>
 *
 * <p>Each setter validates its argument at once and may be called only once;
 * {@link #output(OutputStream)} or {@link #output(Writer)} is required.
 *
 * <p>Not thread-safe: use a builder from one thread.
 */
@ProviderType
public interface AsyncWriterBuilder {
    /** The capacity used when {@link #capacity(int)} is not called: 64 KiB. */
    int DEFAULT_CAPACITY = 64 * 1024;

    /**
     * Sets the name shown in the registry and in the thread's name; default {@code async-writer-<n>}.
     *
     * @param name 1 to 128 characters, by {@link goflow.api.GoFlow}'s naming rule (no whitespace, control or
     *     invisible characters, nor {@code , = : " * ?}); unique among live primitives
     * @return this builder
     * @throws InvalidConfigException if invalid or set twice
     */
    AsyncWriterBuilder name(String name);

    /**
     * Writes to a byte stream. Exactly one output must be set.
     *
     * @param out the stream; only the background thread uses it
     * @return this builder
     * @throws InvalidConfigException if null, or an output was already set
     */
    AsyncWriterBuilder output(OutputStream out);

    /**
     * Writes to a character stream: the buffered bytes are decoded with the
     * {@link #charset(Charset) charset} (malformed input replaced). Exactly one output must be set.
     *
     * @param out the writer; only the background thread uses it
     * @return this builder
     * @throws InvalidConfigException if null, or an output was already set
     */
    AsyncWriterBuilder output(Writer out);

    /**
     * Sets the charset that {@link AsyncWriter#write(Context, CharSequence)} encodes with and a
     * {@link Writer} output decodes with; default UTF-8. Each write is encoded on its own, so a
     * charset whose encoder starts its output with a byte-order mark ({@code UTF-16}) is refused:
     * use {@code UTF-16BE} or {@code UTF-16LE}.
     *
     * @param charset the charset
     * @return this builder
     * @throws InvalidConfigException if null, set twice, unable to encode, or one that starts every
     *     encoding with a byte-order mark
     */
    AsyncWriterBuilder charset(Charset charset);

    /**
     * Sets the fixed buffer capacity; default {@value #DEFAULT_CAPACITY} bytes.
     *
     * @param bytes at least 1, at most 2<sup>30</sup> (1 GiB)
     * @return this builder
     * @throws InvalidConfigException if not positive, or set twice
     */
    AsyncWriterBuilder capacity(int bytes);

    /**
     * Sets how many buffered bytes make the background thread write at once; default half the
     * capacity. Must not exceed the capacity (checked by {@link #build()}).
     *
     * @param bytes at least 1
     * @return this builder
     * @throws InvalidConfigException if not positive, or set twice
     */
    AsyncWriterBuilder flushThreshold(int bytes);

    /**
     * Sets the longest time a byte waits in the buffer before the background thread writes it
     * out; default 1 second; {@link Duration#ZERO} turns the timed flush off.
     *
     * @param interval zero or positive
     * @return this builder
     * @throws InvalidConfigException if negative, null, or set twice
     */
    AsyncWriterBuilder flushInterval(Duration interval);

    /**
     * Sets whether a write waits for room in a full buffer ({@code true}, the default) or fails
     * with {@link BufferFullException}.
     *
     * @param block whether to wait
     * @return this builder
     * @throws InvalidConfigException if set twice
     */
    AsyncWriterBuilder blockWhenFull(boolean block);

    /**
     * Sets how many times a failed write to the output is retried; default 3.
     *
     * @param retries zero (a single attempt) or more
     * @return this builder
     * @throws InvalidConfigException if negative, or set twice
     */
    AsyncWriterBuilder maxRetries(int retries);

    /**
     * Sets the pause between attempts, on the writer's clock; default 100 ms.
     *
     * @param delay zero or positive
     * @return this builder
     * @throws InvalidConfigException if negative, null, or set twice
     */
    AsyncWriterBuilder retryDelay(Duration delay);

    /**
     * Sets the callback told when a flush gives up after all attempts, when closing discards
     * bytes, and when the background thread fails; it runs on the background thread (or, when
     * that thread is stuck in the output and is abandoned, on the closing thread), outside the
     * writer's lock, at most once per failure. Whatever it throws is logged.
     *
     * @param onError the callback
     * @return this builder
     * @throws InvalidConfigException if null, or set twice
     */
    AsyncWriterBuilder onError(Consumer<? super WriteFailedException> onError);

    /**
     * Sets whether {@link AsyncWriter#close()} also closes the output; default {@code true}.
     *
     * @param close whether to close the output
     * @return this builder
     * @throws InvalidConfigException if set twice
     */
    AsyncWriterBuilder closeOutput(boolean close);

    /**
     * Sets the clock for the flush interval and the retry delay; default the GoFlow's clock.
     *
     * @param clock the clock
     * @return this builder
     * @throws InvalidConfigException if null, or set twice
     */
    AsyncWriterBuilder clock(Clock clock);

    /**
     * Creates the writer, starts its background thread and lists it in the registry.
     *
     * @return the new writer
     * @throws InvalidConfigException if no output is set, the threshold exceeds the capacity,
     *     or the name is taken
     * @throws ClosedException if the {@link goflow.api.GoFlow} is closed
     */
    AsyncWriter build();
}
