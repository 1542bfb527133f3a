package goflow.api.io;

import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.Charset;
import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.context.Context;
import goflow.api.context.ContextException;

/**
 * Buffers writes in memory and writes them to an {@link OutputStream} (or a {@link Writer}, decoding
 * with a charset) from one background thread. Created by {@link goflow.api.GoFlow#asyncWriter()}:
 *
 * <pre>{@code
 * try (AsyncWriter log = goflow.asyncWriter().name("access-log")
 *         .output(Files.newOutputStream(path, CREATE, APPEND))
 *         .capacity(256 * 1024).flushInterval(Duration.ofMillis(200)).build()) {
 *     log.write(ctx, "GET /index.html 200\n");   // returns once buffered
 *     log.flush(ctx);                            // returns once it reached the file
 * }                                              // close(): flushes the rest, stops the thread
 * }</pre>
 *
 * <p><b>Guarantees.</b> Every accepted write is written to the output whole, exactly once, and in
 * the order in which writes were accepted (a write's bytes are never interleaved with another
 * write's). {@link #flush} returns only after every byte accepted before it was called has been
 * written and the output flushed, or throws {@link WriteFailedException}. {@link #close()} writes
 * everything accepted before it, then stops the thread; writes after it fail with
 * {@link ClosedException}.
 *
 * <p><b>When data is written.</b> The background thread writes the buffer out when it holds at
 * least {@link AsyncWriterBuilder#flushThreshold(int) flushThreshold} bytes, when its oldest byte has waited
 * {@link AsyncWriterBuilder#flushInterval(Duration) flushInterval} (on the writer's {@link Clock}), when a writer
 * waits for room, on {@link #flush} and on {@link #close()}.
 *
 * <p><b>Full buffer.</b> The capacity is fixed. By default a write waits for room; with
 * {@link AsyncWriterBuilder#blockWhenFull(boolean) blockWhenFull(false)} it fails at once with
 * {@link BufferFullException}. {@link #tryWrite} never waits. A write larger than the capacity is
 * always refused with {@link BufferFullException} (split it, or raise the capacity).
 *
 * <p><b>Failures.</b> Whatever the output throws, an {@link java.io.IOException}, a runtime
 * exception or an {@link Error} (an {@code AssertionError}, a {@code StackOverflowError}), is
 * retried {@link AsyncWriterBuilder#maxRetries(int) maxRetries} times, {@link AsyncWriterBuilder#retryDelay(Duration)
 * retryDelay} apart, and counted in {@link WriterStats#errors()}; a retry resumes exactly where the
 * failed call started, so nothing is written twice by the writer (an output that throws after
 * writing part of a call may still have written that part). When all attempts fail, the bytes stay
 * buffered, waiting flushes fail with {@link WriteFailedException}, the
 * {@link AsyncWriterBuilder#onError error callback} is called, and the next flush tries again. Only closing
 * gives up: it discards what it could not write, reports it to the error callback and in
 * {@link WriterStats#bytesDiscarded()}, and still stops. Should the background thread itself fail
 * (a fault outside the output), the writer closes at once: what it held is reported the same way
 * and every later write or flush fails with {@link ClosedException} naming the fault; nothing is
 * accepted that cannot be written.
 *
 * <p><b>An output that blocks.</b> {@link #close(Duration)} bounds the wait: past the timeout (or
 * when the closing thread is interrupted, also in {@link #close()}) the background thread is
 * interrupted and abandoned, the bytes not written are reported (error callback,
 * {@link WriterStats#bytesDiscarded()}, the exception of {@code close(Duration)}) and the writer
 * leaves the registry. The abandoned thread keeps its name and ends when the output returns,
 * writing nothing more (and closing the output if so configured).
 *
 * <p>Thread-safe: any number of threads may write and flush concurrently. Everything a thread did
 * before a write is accepted happens-before the background thread writes those bytes.
 */
@ProviderType
public interface AsyncWriter extends Primitive {

    /**
     * Accepts all of {@code data}.
     *
     * @param ctx cancels a wait for room
     * @param data the bytes; copied before this method returns
     * @throws ClosedException if the writer is closed, or is closed while this call waits
     * @throws BufferFullException if there is no room and the writer does not block, or
     *     {@code data} is larger than the capacity
     * @throws ContextException if {@code ctx} is done before the bytes are accepted
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void write(Context ctx, byte[] data) throws InterruptedException;

    /**
     * Accepts {@code len} bytes of {@code data} starting at {@code off}; see {@link #write(Context, byte[])}.
     *
     * @param ctx cancels a wait for room
     * @param data the bytes; copied before this method returns
     * @param off the first byte
     * @param len how many bytes; zero does nothing (apart from the closed check)
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code data}
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void write(Context ctx, byte[] data, int off, int len) throws InterruptedException;

    /**
     * Accepts {@code text} encoded with the writer's {@link AsyncWriterBuilder#charset(Charset) charset}; see
     * {@link #write(Context, byte[])}.
     *
     * @param ctx cancels a wait for room
     * @param text the text
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void write(Context ctx, CharSequence text) throws InterruptedException;

    /**
     * Accepts {@code len} bytes of {@code data} if they fit in the buffer now, without waiting.
     *
     * @param data the bytes; copied before this method returns
     * @param off the first byte
     * @param len how many bytes
     * @return {@code true} if accepted, {@code false} if there is no room now (counted as an overflow)
     * @throws ClosedException if the writer is closed
     * @throws BufferFullException if {@code len} is larger than the capacity
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code data}
     */
    boolean tryWrite(byte[] data, int off, int len);

    /**
     * Waits until every byte accepted before this call has been written to the output and the
     * output flushed. Returns at once if nothing is pending.
     *
     * @param ctx cancels the wait (the flush itself still happens in the background)
     * @throws WriteFailedException if a flush covering these bytes failed on every attempt
     * @throws ClosedException if the writer is closed
     * @throws ContextException if {@code ctx} is done first
     * @throws IllegalStateException if called on the writer's own background thread (from the
     *     output or the {@link AsyncWriterBuilder#onError error callback}), which would wait for itself
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void flush(Context ctx) throws InterruptedException;

    /**
     * Refuses further writes, writes out everything accepted (with the usual retries), closes the
     * output if so configured, and stops the background thread before returning. Never throws: a
     * final failure goes to the error callback, the log and {@link WriterStats#bytesDiscarded()}.
     * Idempotent; a second call waits for the first to finish.
     *
     * <p>It waits as long as the output takes; use {@link #close(Duration)} to bound the wait. If
     * the closing thread is interrupted while waiting, it gives up at once as
     * {@code close(Duration)} does at its timeout, and returns with the interrupt flag set.
     *
     * <p>Called from the {@link AsyncWriterBuilder#onError error callback}, which runs on the
     * background thread, it cannot wait for that thread: when the callback reports a flush that
     * gave up, what is still buffered is discarded before it returns (counted in
     * {@link WriterStats#bytesDiscarded()} and logged; the callback is not called again for it,
     * {@code close(Duration)} throws it).
     */
    @Override
    void close();

    /**
     * Closes as {@link #close()} does, waiting at most {@code timeout} (on the writer's
     * {@link AsyncWriterBuilder#clock(Clock) clock}) for the background thread to write everything and stop.
     * Past the timeout, or if the calling thread is interrupted (its interrupt flag is then set
     * again), the background thread is interrupted and abandoned: it writes nothing more and ends
     * when the output returns (bytes of the call in flight that the output still accepts then move
     * from {@link WriterStats#bytesDiscarded()} to {@link WriterStats#bytesWritten()}). The writer
     * is closed and out of the registry when this returns, whatever happened.
     *
     * @param timeout how long to wait at most; zero gives up at once unless already stopped
     * @throws WriteFailedException if any accepted byte was not written: the output kept failing,
     *     did not return in time, or the background thread failed. The message says how many bytes
     *     and why; they were also reported to the error callback and counted as discarded. Also
     *     when every byte reached the output but its final {@code flush()} failed on every attempt
     *     (the output may not have them; nothing is counted as discarded). A later call throws the
     *     same report.
     * @throws InvalidConfigException if {@code timeout} is null or negative
     */
    void close(Duration timeout);

    /**
     * Returns a view of this writer as an {@link OutputStream}, for APIs that want one (a
     * {@code PrintStream}, an encoder, a logging appender). Its {@code write} calls
     * {@link #write(Context, byte[], int, int)} with the background context and, if the writer
     * {@link AsyncWriterBuilder#blockWhenFull(boolean) blocks when full}, splits data larger than
     * the capacity into capacity-sized writes (each kept whole, in order); a writer that does not
     * block refuses such data whole, as {@code write} does (its pieces would not all fit, and the
     * output would get part of it); {@code flush} is
     * {@link #flush}; {@code close} closes this writer. goflow exceptions become {@link java.io.IOException}s
     * (their message kept, the goflow exception as the cause) and an interrupt becomes a
     * {@link java.io.InterruptedIOException} with the interrupt flag restored, whose
     * {@link java.io.InterruptedIOException#bytesTransferred bytesTransferred} counts the bytes of
     * the pieces accepted before the interrupt (they will be written: retry only the rest).
     *
     * @return a thread-safe stream writing through this writer; the same instance on every call
     */
    OutputStream asOutputStream();

    /**
     * Returns whether {@link #close()} was called.
     *
     * @return {@code true} once closed
     */
    boolean isClosed();

    /**
     * Returns the fixed buffer capacity.
     *
     * @return the capacity in bytes
     */
    int capacity();

    /**
     * Returns a consistent snapshot of the counters.
     *
     * @return the statistics
     */
    @Override
    WriterStats stats();
}
