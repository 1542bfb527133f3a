package goflow.impl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;

import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.ChannelBuilder;
import goflow.api.channel.ChannelFullException;
import goflow.api.channel.ChannelStats;
import goflow.api.channel.OverflowStrategy;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Async;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** Single-threaded and simple blocking behaviour of {@link ChannelImpl}. */
@Timeout(60)
class BackpressureChannelTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlowImpl goflow = new GoFlowImpl(new ManualClock(), "test");
    private final Context bg = Context.background();

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    private BackpressureChannel<Integer> channel(int capacity, OverflowStrategy strategy, List<Integer> drops) {
        ChannelBuilder<Integer> b = goflow.<Integer>channel().capacity(capacity).strategy(strategy);
        if (drops != null) {
            b.onDrop(drops::add);
        }
        return b.build();
    }

    private final List<Thread> started = new CopyOnWriteArrayList<>();

    /** Runs a blocking call on its own thread. */
    private <V> CompletableFuture<V> async(java.util.concurrent.Callable<V> call) {
        return Async.start(call, started);
    }


    /** Waits until every thread started by {@link #async} is waiting (or has ended). */
    private void awaitBlocked() {
        Eventually.until(() -> started.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.TERMINATED));
    }

    // ---------------------------------------------------------------------------------------------
    // builder

    @Test
    void builderValidatesEachField() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> goflow.channel().capacity(0));
        assertEquals("channel: invalid capacity=0 (must be positive) - the number of values the channel buffers",
                e.getMessage());
        e = assertThrows(InvalidConfigException.class, () -> goflow.channel().capacity(2).capacity(3));
        assertEquals("capacity", e.field());
        assertTrue(e.getMessage().contains("was already set"), e.getMessage());
        e = assertThrows(InvalidConfigException.class, () -> goflow.channel().strategy(null));
        assertEquals("strategy", e.field());
        e = assertThrows(InvalidConfigException.class, () -> goflow.channel().onDrop(null));
        assertEquals("onDrop", e.field());
        e = assertThrows(InvalidConfigException.class, () -> goflow.channel().name("a b"));
        assertEquals("name", e.field());
    }

    @Test
    void defaultsNameAndRegistry() {
        BackpressureChannel<String> ch = goflow.<String>channel().build();
        assertEquals("channel-1", ch.name());
        assertEquals(Primitive.Kind.CHANNEL, ch.kind());
        assertEquals(100, ch.capacity());
        assertEquals(OverflowStrategy.BLOCK, ch.strategy());
        assertEquals(Optional.of(ch), goflow.registry().find("channel-1"));
        BackpressureChannel<String> named = goflow.<String>channel().name("events").build();
        InvalidConfigException dup = assertThrows(InvalidConfigException.class,
                () -> goflow.<String>channel().name("events").build());
        assertTrue(dup.getMessage().contains("must be unique"), dup.getMessage());
        named.close();
        assertEquals(Optional.empty(), goflow.registry().find("events"));
        goflow.<String>channel().name("events").build(); // the name is free again
    }

    @Test
    void statsToMapInDisplayOrder() {
        BackpressureChannel<Integer> ch = channel(2, OverflowStrategy.BLOCK, null);
        assertEquals(List.of("sent", "received", "dropped", "rejected", "blockedSends", "size", "capacity", "closed"),
                new ArrayList<>(ch.stats().toMap().keySet()));
    }

    // ---------------------------------------------------------------------------------------------
    // basic operations

    @Test
    void fifoSendAndReceive() throws InterruptedException {
        BackpressureChannel<Integer> ch = channel(3, OverflowStrategy.BLOCK, null);
        assertTrue(ch.send(bg, 1));
        assertTrue(ch.trySend(2));
        assertTrue(ch.send(bg, 3));
        assertEquals(3, ch.size());
        assertEquals(1, ch.receive(bg));
        assertEquals(Optional.of(2), ch.tryReceive());
        assertEquals(3, ch.receive(bg));
        assertEquals(Optional.empty(), ch.tryReceive());
        assertEquals(new ChannelStats(3, 3, 0, 0, 0, 0, 3, false), ch.stats());
    }

    @Test
    void wrapsAroundTheRing() throws InterruptedException {
        BackpressureChannel<Integer> ch = channel(3, OverflowStrategy.BLOCK, null);
        for (int i = 0; i < 20; i++) {
            ch.send(bg, i);
            ch.send(bg, 100 + i);
            assertEquals(i, ch.receive(bg));
            assertEquals(100 + i, ch.receive(bg));
        }
    }

    @Test
    void nullValuesAreRefused() {
        BackpressureChannel<Integer> ch = channel(3, OverflowStrategy.BLOCK, null);
        assertThrows(NullPointerException.class, () -> ch.send(bg, null));
        assertThrows(NullPointerException.class, () -> ch.trySend(null));
        assertEquals(0, ch.stats().sent());
    }

    // ---------------------------------------------------------------------------------------------
    // strategies

    @Test
    void blockWaitsForRoom() throws Exception {
        BackpressureChannel<Integer> ch = channel(1, OverflowStrategy.BLOCK, null);
        ch.send(bg, 1);
        assertFalse(ch.trySend(2), "trySend on a full BLOCK channel");
        CompletableFuture<Boolean> blocked = async(() -> ch.send(bg, 2));
        Eventually.until(() -> ch.stats().blockedSends() == 1);
        assertFalse(blocked.isDone());
        assertEquals(1, ch.receive(bg));
        assertTrue(blocked.get(30, TimeUnit.SECONDS));
        assertEquals(2, ch.receive(bg));
        assertEquals(new ChannelStats(2, 2, 0, 1, 1, 0, 1, false), ch.stats());
    }

    @Test
    void blockedSendIsCancelledByItsContext() throws Exception {
        BackpressureChannel<Integer> ch = channel(1, OverflowStrategy.BLOCK, null);
        ch.send(bg, 1);
        CancellableContext ctx = bg.withCancel();
        CompletableFuture<Boolean> blocked = async(() -> ch.send(ctx, 2));
        Eventually.until(() -> ch.stats().blockedSends() == 1);
        ctx.cancel();
        assertTrue(Async.failureOf(blocked) instanceof CancelledException);
        assertEquals(1, ch.size());
        assertEquals(1, ch.stats().sent(), "the cancelled value was not sent");
    }

    @Test
    void blockedSendHonoursDeadlineOnInjectedClock() throws Exception {
        ManualClock clock = new ManualClock();
        BackpressureChannel<Integer> ch = channel(1, OverflowStrategy.BLOCK, null);
        ch.send(bg, 1);
        CancellableContext ctx = Context.background(clock).withTimeout(Duration.ofSeconds(5));
        CompletableFuture<Boolean> blocked = async(() -> ch.send(ctx, 2));
        Eventually.until(() -> ch.stats().blockedSends() == 1);
        clock.advance(Duration.ofSeconds(4));
        assertFalse(blocked.isDone());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(Async.failureOf(blocked) instanceof DeadlineExceededException);
        ctx.close();
    }

    @Test
    void blockedSendFailsWhenClosed() throws Exception {
        BackpressureChannel<Integer> ch = channel(1, OverflowStrategy.BLOCK, null);
        ch.send(bg, 1);
        CompletableFuture<Boolean> blocked = async(() -> ch.send(bg, 2));
        Eventually.until(() -> ch.stats().blockedSends() == 1);
        ch.close();
        Throwable f = Async.failureOf(blocked);
        assertTrue(f instanceof ClosedException, String.valueOf(f));
        assertTrue(f.getMessage().contains("is closed"), f.getMessage());
        assertEquals(1, ch.receive(bg), "the buffered value is still drained");
    }

    @Test
    void blockedSendIsInterruptible() throws Exception {
        BackpressureChannel<Integer> ch = channel(1, OverflowStrategy.BLOCK, null);
        ch.send(bg, 1);
        AtomicReference<Thread> sender = new AtomicReference<>();
        CompletableFuture<Boolean> blocked = async(() -> {
            sender.set(Thread.currentThread());
            return ch.send(bg, 2);
        });
        Eventually.until(() -> ch.stats().blockedSends() == 1);
        sender.get().interrupt();
        assertTrue(Async.failureOf(blocked) instanceof InterruptedException);
    }

    @Test
    void dropNewestDropsTheValueBeingSent() throws InterruptedException {
        List<Integer> drops = new CopyOnWriteArrayList<>();
        BackpressureChannel<Integer> ch = channel(2, OverflowStrategy.DROP_NEWEST, drops);
        assertTrue(ch.send(bg, 1));
        assertTrue(ch.send(bg, 2));
        assertFalse(ch.send(bg, 3));
        assertFalse(ch.trySend(4));
        assertEquals(List.of(3, 4), drops);
        assertEquals(1, ch.receive(bg));
        assertEquals(2, ch.receive(bg));
        assertEquals(new ChannelStats(4, 2, 2, 0, 0, 0, 2, false), ch.stats());
    }

    @Test
    void dropOldestEvictsAndReportsEveryDropIncludingTrySend() throws InterruptedException {
        List<Integer> drops = new CopyOnWriteArrayList<>();
        BackpressureChannel<Integer> ch = channel(2, OverflowStrategy.DROP_OLDEST, drops);
        ch.send(bg, 1);
        ch.send(bg, 2);
        assertTrue(ch.send(bg, 3));
        assertTrue(ch.trySend(4)); // the reference forgets this callback (B-CH2)
        assertEquals(List.of(1, 2), drops);
        assertEquals(3, ch.receive(bg));
        assertEquals(4, ch.receive(bg));
        assertEquals(new ChannelStats(4, 2, 2, 0, 0, 0, 2, false), ch.stats());
    }

    @Test
    void errorFailsFast() throws InterruptedException {
        BackpressureChannel<Integer> ch = goflow.<Integer>channel().name("jobs").capacity(1)
                .strategy(OverflowStrategy.ERROR).build();
        ch.send(bg, 1);
        ChannelFullException e = assertThrows(ChannelFullException.class, () -> ch.send(bg, 2));
        assertEquals("channel 'jobs' is full (capacity 1): the value was not sent", e.getMessage());
        assertFalse(ch.trySend(3));
        assertEquals(new ChannelStats(1, 0, 0, 2, 0, 1, 1, false), ch.stats());
    }

    @Test
    void doneContextIsCheckedFirst() {
        BackpressureChannel<Integer> ch = channel(2, OverflowStrategy.DROP_NEWEST, null);
        CancellableContext ctx = bg.withCancel();
        ctx.cancel();
        assertThrows(CancelledException.class, () -> ch.send(ctx, 1));
        assertThrows(CancelledException.class, () -> ch.receive(ctx));
        assertEquals(0, ch.stats().sent());
    }

    @Test
    void dropCallbackRunsOutsideTheLockAndMayFail() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        AtomicReference<BackpressureChannel<Integer>> self = new AtomicReference<>();
        BackpressureChannel<Integer> ch = goflow.<Integer>channel().capacity(1).strategy(OverflowStrategy.DROP_OLDEST)
                .onDrop(v -> {
                    // another thread must be able to use the channel while the callback runs
                    int size = CompletableFuture.supplyAsync(() -> self.get().stats().size()).join();
                    seen.add(v * 100 + size);
                    throw new IllegalStateException("callback failure must not fail the send");
                }).build();
        self.set(ch);
        ch.send(bg, 1);
        assertTimeoutPreemptively(() -> {
            assertTrue(ch.send(bg, 2));
            assertTrue(ch.trySend(3));
        });
        assertEquals(List.of(101, 201), seen);
        assertEquals(3, ch.receive(bg));
    }

    private static void assertTimeoutPreemptively(org.junit.jupiter.api.function.Executable body) {
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), body);
    }

    // ---------------------------------------------------------------------------------------------
    // receive and close

    @Test
    void receiveWaitsForAValue() throws Exception {
        BackpressureChannel<Integer> ch = channel(2, OverflowStrategy.BLOCK, null);
        CompletableFuture<Integer> r = async(() -> ch.receive(bg));
        awaitBlocked();
        ch.send(bg, 7);
        assertEquals(7, r.get(30, TimeUnit.SECONDS));
    }

    @Test
    void receiveIsCancelledByItsContextAndDeadline() throws Exception {
        BackpressureChannel<Integer> ch = channel(2, OverflowStrategy.BLOCK, null);
        CancellableContext ctx = bg.withCancel();
        CompletableFuture<Integer> r = async(() -> ch.receive(ctx));
        awaitBlocked();
        ctx.cancel();
        assertTrue(Async.failureOf(r) instanceof CancelledException);

        ManualClock clock = new ManualClock();
        CancellableContext timed = Context.background(clock).withTimeout(Duration.ofMillis(10));
        CompletableFuture<Integer> r2 = async(() -> ch.receive(timed));
        clock.advance(Duration.ofMillis(10));
        assertTrue(Async.failureOf(r2) instanceof DeadlineExceededException);
        // a value sent afterwards is not lost to the cancelled receivers
        ch.send(bg, 5);
        assertEquals(Optional.of(5), ch.tryReceive());
    }

    @Test
    void closeLetsReceiversDrainThenFails() throws Exception {
        BackpressureChannel<Integer> ch = channel(4, OverflowStrategy.BLOCK, null);
        ch.send(bg, 1);
        ch.send(bg, 2);
        ch.send(bg, 3);
        ch.close();
        ch.close(); // idempotent
        assertTrue(ch.isClosed());
        assertFalse(ch.isDrained());
        ClosedException e = assertThrows(ClosedException.class, () -> ch.send(bg, 9));
        assertEquals("channel 'channel-1' is closed: cannot send", e.getMessage());
        assertThrows(ClosedException.class, () -> ch.trySend(9));
        assertEquals(1, ch.receive(bg));
        assertEquals(Optional.of(2), ch.tryReceive()); // the reference refuses this (B-CH3)
        assertEquals(3, ch.receive(bg));
        assertTrue(ch.isDrained());
        ClosedException drained = assertThrows(ClosedException.class, () -> ch.receive(bg));
        assertEquals("channel 'channel-1' is closed and drained: nothing left to receive", drained.getMessage());
        assertThrows(ClosedException.class, ch::tryReceive);
        assertEquals(new ChannelStats(3, 3, 0, 0, 0, 0, 4, true), ch.stats());
    }

    @Test
    void closeWakesBlockedReceivers() throws Exception {
        BackpressureChannel<Integer> ch = channel(2, OverflowStrategy.BLOCK, null);
        List<CompletableFuture<Integer>> receivers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            receivers.add(async(() -> ch.receive(bg)));
        }
        awaitBlocked();
        ch.close();
        for (CompletableFuture<Integer> r : receivers) {
            assertTrue(Async.failureOf(r) instanceof ClosedException);
        }
    }
}
