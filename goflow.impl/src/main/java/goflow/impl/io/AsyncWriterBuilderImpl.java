package goflow.impl.io;

import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

import goflow.api.Clock;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.io.AsyncWriter;
import goflow.api.io.AsyncWriterBuilder;
import goflow.api.io.WriteFailedException;
import goflow.impl.internal.Check;
import goflow.impl.internal.PrimitiveRegistry;

/** Builds {@link AsyncWriterImpl}s. Not thread-safe (like every builder). */
public final class AsyncWriterBuilderImpl implements AsyncWriterBuilder {
    private static final String COMPONENT = Primitive.Kind.ASYNC_WRITER.label();
    /** Durations beyond this are refused (they would overflow nanosecond arithmetic). */
    private static final Duration MAX_DURATION = Duration.ofDays(365);

    private final PrimitiveRegistry registry;
    private String name;
    private OutputStream stream;
    private Writer writer;
    /** The largest buffer: 1 GiB, so that head + count (each below the capacity) fits in an int. */
    static final int MAX_CAPACITY = 1 << 30;
    private Charset charsetSet;
    private Integer capacitySet;
    private Integer thresholdSet;
    private Duration intervalSet;
    private Boolean blockSet;
    private Integer retriesSet;
    private Duration retryDelaySet;
    private Consumer<? super WriteFailedException> onErrorSet;
    private Boolean closeOutputSet;
    private Clock clockSet;
    private final Clock defaultClock;

    // resolved by build(), read by AsyncWriterImpl's constructor
    Charset charset;
    int capacity;
    int threshold;
    Duration interval;
    boolean blockWhenFull;
    int maxRetries;
    Duration retryDelay;
    Consumer<? super WriteFailedException> onError;
    boolean closeOutput;
    Clock clock;

    /**
     * Creates a builder.
     *
     * @param registry where the writer is listed
     * @param defaultClock the GoFlow's clock
     */
    public AsyncWriterBuilderImpl(PrimitiveRegistry registry, Clock defaultClock) {
        this.registry = registry;
        this.defaultClock = defaultClock;
    }

    @Override
    public AsyncWriterBuilderImpl name(String name) {
        Check.setOnce(COMPONENT, "name", this.name != null, name);
        this.name = Check.name(COMPONENT, name);
        return this;
    }

    @Override
    public AsyncWriterBuilderImpl output(OutputStream out) {
        Check.setOnce(COMPONENT, "output", stream != null || writer != null, out);
        this.stream = Check.notNull(COMPONENT, "output", out);
        return this;
    }

    @Override
    public AsyncWriterBuilderImpl output(Writer out) {
        Check.setOnce(COMPONENT, "output", stream != null || writer != null, out);
        this.writer = Check.notNull(COMPONENT, "output", out);
        return this;
    }

    @Override
    public AsyncWriterBuilderImpl charset(Charset charset) {
        Check.setOnce(COMPONENT, "charset", charsetSet != null, charset);
        Check.notNull(COMPONENT, "charset", charset);
        if (!charset.canEncode()) {
            throw new InvalidConfigException(COMPONENT, "charset", charset.name(), "must be able to encode",
                    "write(CharSequence) encodes with it; choose a charset that encodes, such as UTF-8");
        }
        if (charset.encode("aa").remaining() != 2 * charset.encode("a").remaining()) {
            // each write(CharSequence) is encoded on its own: a charset whose encoder starts its output
            // with a byte-order mark (UTF-16) would put one between every two writes
            throw new InvalidConfigException(COMPONENT, "charset", charset.name(),
                    "must not start every encoding with a byte-order mark",
                    "each write is encoded on its own; use UTF-16BE or UTF-16LE (and write a mark first if the reader needs one)");
        }
        this.charsetSet = charset;
        return this;
    }

    @Override
    public AsyncWriterBuilderImpl capacity(int bytes) {
        Check.setOnce(COMPONENT, "capacity", capacitySet != null, bytes);
        Check.positive(COMPONENT, "capacity", bytes, "the buffer size in bytes");
        if (bytes > MAX_CAPACITY) {
            // the ring's index arithmetic (head + count < 2 * capacity) must not overflow an int
            throw new InvalidConfigException(COMPONENT, "capacity", bytes, "must be at most " + MAX_CAPACITY + " (1 GiB)",
                    "the buffer size in bytes, allocated when the writer is built");
        }
        this.capacitySet = bytes;
        return this;
    }

    @Override
    public AsyncWriterBuilderImpl flushThreshold(int bytes) {
        Check.setOnce(COMPONENT, "flushThreshold", thresholdSet != null, bytes);
        Check.positive(COMPONENT, "flushThreshold", bytes, "buffered bytes that start a write to the output");
        this.thresholdSet = bytes;
        return this;
    }

    @Override
    public AsyncWriterBuilderImpl flushInterval(Duration interval) {
        Check.setOnce(COMPONENT, "flushInterval", intervalSet != null, interval);
        this.intervalSet = bounded("flushInterval", interval, "the longest time a byte waits; ZERO turns it off");
        return this;
    }

    @Override
    public AsyncWriterBuilderImpl blockWhenFull(boolean block) {
        Check.setOnce(COMPONENT, "blockWhenFull", blockSet != null, block);
        this.blockSet = block;
        return this;
    }

    @Override
    public AsyncWriterBuilderImpl maxRetries(int retries) {
        Check.setOnce(COMPONENT, "maxRetries", retriesSet != null, retries);
        Check.notNegative(COMPONENT, "maxRetries", retries, "retries after a failed write; 0 means one attempt");
        this.retriesSet = retries;
        return this;
    }

    @Override
    public AsyncWriterBuilderImpl retryDelay(Duration delay) {
        Check.setOnce(COMPONENT, "retryDelay", retryDelaySet != null, delay);
        this.retryDelaySet = bounded("retryDelay", delay, "the pause between attempts");
        return this;
    }

    @Override
    public AsyncWriterBuilderImpl onError(Consumer<? super WriteFailedException> onError) {
        Check.setOnce(COMPONENT, "onError", onErrorSet != null, onError);
        this.onErrorSet = Check.notNull(COMPONENT, "onError", onError);
        return this;
    }

    @Override
    public AsyncWriterBuilderImpl closeOutput(boolean close) {
        Check.setOnce(COMPONENT, "closeOutput", closeOutputSet != null, close);
        this.closeOutputSet = close;
        return this;
    }

    @Override
    public AsyncWriterBuilderImpl clock(Clock clock) {
        Check.setOnce(COMPONENT, "clock", clockSet != null, clock);
        this.clockSet = Check.notNull(COMPONENT, "clock", clock);
        return this;
    }

    private static Duration bounded(String field, Duration value, String hint) {
        Check.notNegative(COMPONENT, field, value, hint);
        if (value.compareTo(MAX_DURATION) > 0) {
            throw new InvalidConfigException(COMPONENT, field, value, "must be at most " + MAX_DURATION, hint);
        }
        return value;
    }

    @Override
    public AsyncWriter build() {
        if (stream == null && writer == null) {
            throw new InvalidConfigException(COMPONENT, "output", null, "must be set",
                    "call output(OutputStream) or output(Writer)");
        }
        charset = charsetSet == null ? StandardCharsets.UTF_8 : charsetSet;
        capacity = capacitySet == null ? DEFAULT_CAPACITY : capacitySet;
        threshold = thresholdSet == null ? Math.max(1, capacity / 2) : thresholdSet;
        if (threshold > capacity) {
            throw new InvalidConfigException(COMPONENT, "flushThreshold", threshold,
                    "must not exceed capacity=" + capacity, "the buffer can never hold more than its capacity");
        }
        interval = intervalSet == null ? Duration.ofSeconds(1) : intervalSet;
        blockWhenFull = blockSet == null || blockSet;
        maxRetries = retriesSet == null ? 3 : retriesSet;
        retryDelay = retryDelaySet == null ? Duration.ofMillis(100) : retryDelaySet;
        onError = onErrorSet;
        closeOutput = closeOutputSet == null || closeOutputSet;
        clock = clockSet == null ? defaultClock : clockSet;
        WriterOutput sink = stream != null ? WriterOutput.of(stream) : WriterOutput.of(writer, charset);

        PrimitiveRegistry.Entry entry = registry.reserve(Primitive.Kind.ASYNC_WRITER, name);
        try {
            AsyncWriterImpl w = new AsyncWriterImpl(this, sink, entry);
            w.start();
            return entry.activate(w);
        } catch (RuntimeException | Error e) {
            entry.release();
            throw e;
        }
    }
}
