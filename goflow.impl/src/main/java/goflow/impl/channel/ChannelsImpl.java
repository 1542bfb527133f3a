package goflow.impl.channel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import goflow.api.ClosedException;
import goflow.api.GoFlowException;
import goflow.api.InvalidConfigException;
import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.ChannelLink;
import goflow.api.channel.Channels;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.impl.internal.Check;
import goflow.impl.internal.Durations;

/**
 * The {@link Channels} utilities. Stateless apart from the links it starts, which it does not keep:
 * each {@link Link} owns its threads. Thread-safe.
 *
 * <p>Every worker follows one pattern: take a value from its source with the link's context
 * ({@link ClosedException} there means the source is drained: a normal end), then hand it to its
 * target(s) with the same context ({@link ClosedException} there is a failure: a target was closed
 * underneath the link).
 */
public final class ChannelsImpl implements Channels {
    private static final String COMPONENT = "channels";

    /** Creates the utilities. */
    public ChannelsImpl() {
    }

    @Override
    public <T> ChannelLink merge(Context ctx, List<? extends BackpressureChannel<? extends T>> sources,
            BackpressureChannel<T> target) {
        Check.notNull(COMPONENT, "ctx", ctx);
        List<? extends BackpressureChannel<? extends T>> from = nonEmpty("sources", sources);
        Check.notNull(COMPONENT, "target", target);
        notItsOwnInput(from, target);
        Link link = new Link("merge-" + target.name(), ctx, List.of(target));
        for (BackpressureChannel<? extends T> source : from) {
            link.add(c -> drain(c, source, v -> {
                if (deliver(c, target, v, link)) {
                    link.delivered();
                }
            }));
        }
        return link.start();
    }

    @Override
    public <T> ChannelLink fanOut(Context ctx, BackpressureChannel<? extends T> source,
            List<? extends BackpressureChannel<? super T>> targets) {
        Check.notNull(COMPONENT, "ctx", ctx);
        Check.notNull(COMPONENT, "source", source);
        List<? extends BackpressureChannel<? super T>> to = nonEmpty("targets", targets);
        to.forEach(target -> notItsOwnInput(List.of(source), target));
        Link link = new Link("fanout-" + source.name(), ctx, to);
        for (BackpressureChannel<? super T> target : to) {
            link.add(c -> drain(c, source, v -> {
                if (deliver(c, target, v, link)) {
                    link.delivered();
                }
            }));
        }
        return link.start();
    }

    @Override
    public <T> ChannelLink tee(Context ctx, BackpressureChannel<? extends T> source,
            List<? extends BackpressureChannel<? super T>> targets) {
        Check.notNull(COMPONENT, "ctx", ctx);
        Check.notNull(COMPONENT, "source", source);
        List<? extends BackpressureChannel<? super T>> to = nonEmpty("targets", targets);
        to.forEach(target -> notItsOwnInput(List.of(source), target));
        Link link = new Link("tee-" + source.name(), ctx, to);
        link.add(c -> drain(c, source, v -> {
            // counted as soon as one target took it: a later target closed or the link stopped
            // before it does not undo that delivery
            boolean counted = false;
            for (BackpressureChannel<? super T> target : to) {
                if (deliver(c, target, v, link) && !counted) {
                    link.delivered();
                    counted = true;
                }
            }
        }));
        return link.start();
    }

    @Override
    public <T> ChannelLink batch(Context ctx, BackpressureChannel<? extends T> source,
            BackpressureChannel<? super List<T>> target, int maxSize, Duration maxWait) {
        Check.notNull(COMPONENT, "ctx", ctx);
        Check.notNull(COMPONENT, "source", source);
        Check.notNull(COMPONENT, "target", target);
        notItsOwnInput(List.of(source), target);
        Check.positive(COMPONENT, "maxSize", maxSize, "the largest number of values in one batch");
        long waitNanos = Durations.toNanosSaturated(Check.positive(COMPONENT, "maxWait", maxWait,
                "how long a value waits for its batch to fill"));
        Link link = new Link("batch-" + source.name(), ctx, List.of(target));
        link.add(c -> {
            List<T> batch = new ArrayList<>(Math.min(maxSize, 1024));
            long firstAt = 0;
            while (true) {
                T v;
                try {
                    if (batch.isEmpty()) {
                        v = source.receive(c);
                        firstAt = c.clock().nanoTime();
                    } else {
                        long left = firstAt + waitNanos - c.clock().nanoTime();
                        v = left <= 0 ? null : receiveWithin(c, source, left);
                    }
                } catch (ClosedException drained) {
                    if (!batch.isEmpty()) {
                        if (deliver(c, target, Collections.unmodifiableList(batch), link)) {
                            link.delivered();
                        }
                    }
                    return;
                }
                if (v != null) {
                    batch.add(v);
                }
                if (v == null || batch.size() >= maxSize) {
                    if (deliver(c, target, Collections.unmodifiableList(batch), link)) {
                        link.delivered();
                    }
                    batch = new ArrayList<>(Math.min(maxSize, 1024));
                }
            }
        });
        return link.start();
    }

    @Override
    public <T> ChannelLink pipe(Context ctx, BackpressureChannel<? extends T> source,
            BackpressureChannel<? super T> target) {
        return pipe(ctx, source, target, Function.<T>identity());
    }

    @Override
    public <T, R> ChannelLink pipe(Context ctx, BackpressureChannel<? extends T> source,
            BackpressureChannel<? super R> target, Function<? super T, ? extends R> fn) {
        Check.notNull(COMPONENT, "ctx", ctx);
        Check.notNull(COMPONENT, "source", source);
        Check.notNull(COMPONENT, "target", target);
        Check.notNull(COMPONENT, "fn", fn);
        notItsOwnInput(List.of(source), target);
        Link link = new Link("pipe-" + source.name(), ctx, List.of(target));
        link.add(c -> drain(c, source, v -> {
            R r = fn.apply(v);
            if (r == null) {
                throw new GoFlowException("link '" + link.name() + "': the function returned null for " + v);
            }
            if (deliver(c, target, r, link)) {
                link.delivered();
            }
        }));
        return link.start();
    }

    /** Hands every value of {@code source} to {@code each} until the source is closed and drained. */
    private static <T> void drain(Context c, BackpressureChannel<? extends T> source, Receiver<? super T> each)
            throws InterruptedException {
        while (true) {
            T v;
            try {
                v = source.receive(c);
            } catch (ClosedException drained) {
                return;
            }
            each.accept(v);
        }
    }

    /** What a link does with each received value. */
    @FunctionalInterface
    private interface Receiver<T> {
        void accept(T value) throws InterruptedException;
    }

    /** Receives with a timeout on the context's clock; {@code null} when the time is up. */
    private static <T> T receiveWithin(Context c, BackpressureChannel<? extends T> source, long nanos)
            throws InterruptedException {
        try (CancellableContext timed = c.withTimeout(Duration.ofNanos(nanos))) {
            return source.receive(timed);
        } catch (DeadlineExceededException e) {
            if (c.isDone()) {
                throw e;
            }
            return null;
        }
    }

    /**
     * Sends {@code value} to {@code target}; returns whether the target took it (false: a
     * {@link goflow.api.channel.OverflowStrategy#DROP_NEWEST} target dropped it, which its own
     * {@code dropped()} counts and the link's {@code transferred()} does not). A closed target is
     * reported as the link's failure.
     */
    private static <V> boolean deliver(Context c, BackpressureChannel<? super V> target, V value, Link link)
            throws InterruptedException {
        try {
            return target.send(c, value);
        } catch (ClosedException e) {
            throw new ClosedException("link '" + link.name() + "': target channel '" + target.name()
                    + "' was closed while the link was running");
        }
    }

    private static <C extends BackpressureChannel<?>> List<C> nonEmpty(String field, List<C> channels) {
        Check.notNull(COMPONENT, field, channels);
        if (channels.isEmpty()) {
            throw new InvalidConfigException(COMPONENT, field, channels, "must not be empty",
                    "give at least one channel");
        }
        Map<BackpressureChannel<?>, Boolean> seen = new IdentityHashMap<>();
        for (C ch : channels) {
            Check.notNull(COMPONENT, field + " element", ch);
            if (seen.put(ch, Boolean.TRUE) != null) {
                throw new InvalidConfigException(COMPONENT, field, ch.name(), "must not contain a channel twice",
                        "list each channel once");
            }
        }
        return List.copyOf(channels);
    }

    /**
     * Refuses a target that is one of the link's sources: the link would feed its own input, so
     * that input never drains and the link never ends (a merge of a channel into itself spins).
     */
    private static void notItsOwnInput(List<? extends BackpressureChannel<?>> sources, BackpressureChannel<?> target) {
        for (BackpressureChannel<?> source : sources) {
            if (source == target) {
                throw new InvalidConfigException(COMPONENT, "target", target.name(), "must not be a source of the same"
                        + " link: it would feed its own input, which then never drains", "link into another channel");
            }
        }
    }

    @Override
    public String toString() {
        return "Channels";
    }
}
