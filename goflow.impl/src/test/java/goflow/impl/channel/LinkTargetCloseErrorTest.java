package goflow.impl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import goflow.api.ClosedException;
import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.ChannelLink;
import goflow.api.channel.ChannelStats;
import goflow.api.channel.OverflowStrategy;
import goflow.api.context.Context;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.LogCapture;
import goflow.impl.testing.NoThreadLeaks;

/**
 * A target whose {@code close()} throws an Error (a {@code NoClassDefFoundError} while the bundle
 * behind it is refreshed, say): the link still closes its other targets and ends, with the
 * failure logged, as for a RuntimeException.
 */
@Timeout(60)
class LinkTargetCloseErrorTest extends NoThreadLeaks.LeakCheckedTest {
    @RegisterExtension
    final LogCapture log = new LogCapture(Link.class.getName());

    private final GoFlowImpl goflow = new GoFlowImpl(new ManualClock(), "test");
    private final Context bg = Context.background();

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    private BackpressureChannel<Integer> ch(String name) {
        return goflow.<Integer>channel().name(name).capacity(8).build();
    }

    private static <T> List<T> drain(BackpressureChannel<T> ch) throws InterruptedException {
        List<T> out = new ArrayList<>();
        try {
            while (true) {
                out.add(ch.receive(Context.background()));
            }
        } catch (ClosedException drained) {
            return out;
        }
    }

    @Test
    void anErrorFromOneTargetsCloseStillClosesTheOthersAndEndsTheLink() throws Exception {
        BackpressureChannel<Integer> src = ch("src");
        BackpressureChannel<Integer> bad = new CloseFails<>(ch("bad"));
        BackpressureChannel<Integer> good = ch("good");
        ChannelLink link = goflow.channels().tee(bg, src, List.of(bad, good));
        src.send(bg, 1);
        src.close();

        assertTrue(link.awaitDone(Eventually.TIMEOUT), "link did not end: " + link);
        link.completion().toCompletableFuture().join(); // the source was drained: a normal end
        assertEquals(List.of(1), drain(good)); // closed, so the drain ends
        assertTrue(good.isClosed());
        Eventually.until(() -> log.lines().stream().anyMatch(
                l -> l.startsWith("WARNING") && l.contains("could not close bad")));
    }

    @Test
    void aClosedLinkWithSuchATargetStillEndsAndClosesTheOthers() throws Exception {
        BackpressureChannel<Integer> src = ch("src2");
        BackpressureChannel<Integer> bad = new CloseFails<>(ch("bad2"));
        BackpressureChannel<Integer> good = ch("good2");
        ChannelLink link = goflow.channels().fanOut(bg, src, List.of(bad, good));

        assertTrue(link.close(Duration.ofSeconds(30)));
        assertTrue(link.awaitDone(Eventually.TIMEOUT), "link did not end: " + link);
        assertTrue(good.isClosed());
    }

    /** Delegates to a real channel; {@code close()} throws an Error without closing it. */
    private static final class CloseFails<T> implements BackpressureChannel<T> {
        private final BackpressureChannel<T> d;

        CloseFails(BackpressureChannel<T> d) {
            this.d = d;
        }

        @Override
        public boolean send(Context ctx, T value) throws InterruptedException {
            return d.send(ctx, value);
        }

        @Override
        public boolean trySend(T value) {
            return d.trySend(value);
        }

        @Override
        public T receive(Context ctx) throws InterruptedException {
            return d.receive(ctx);
        }

        @Override
        public Optional<T> tryReceive() {
            return d.tryReceive();
        }

        @Override
        public void close() {
            throw new NoClassDefFoundError("test: the class close() needs is gone");
        }

        @Override
        public boolean isClosed() {
            return d.isClosed();
        }

        @Override
        public boolean isDrained() {
            return d.isDrained();
        }

        @Override
        public int size() {
            return d.size();
        }

        @Override
        public int capacity() {
            return d.capacity();
        }

        @Override
        public OverflowStrategy strategy() {
            return d.strategy();
        }

        @Override
        public ChannelStats stats() {
            return d.stats();
        }

        @Override
        public String name() {
            return d.name();
        }

        @Override
        public Kind kind() {
            return d.kind();
        }
    }
}
