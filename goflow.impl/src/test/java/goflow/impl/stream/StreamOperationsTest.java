package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.context.Context;
import goflow.api.stream.Stream;
import goflow.api.stream.Streams;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;

/** Every intermediate and terminal operation, on plain sources. */
class StreamOperationsTest {
    private final GoFlow goflow = new GoFlowImpl(new ManualClock(), "test");
    private final Streams streams = goflow.streams();
    private final Context ctx = Context.background();

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    private Stream<Integer> ints(Integer... values) {
        return goflow.stream(Arrays.asList(values));
    }

    private Stream<Integer> range(int from, int to) {
        List<Integer> list = new ArrayList<>();
        for (int i = from; i < to; i++) {
            list.add(i);
        }
        return goflow.stream(list);
    }

    @Test
    void filterKeepsMatchingElementsInOrder() throws Exception {
        assertEquals(List.of(2, 4, 6), range(1, 7).filter(x -> x % 2 == 0).toList(ctx));
    }

    @Test
    void mapChangesTheElementType() throws Exception {
        List<String> out = ints(1, 2, 3).map(x -> "n" + x).toList(ctx);
        assertEquals(List.of("n1", "n2", "n3"), out);
    }

    @Test
    void mapAfterOtherOperationsKeepsThemAll() throws Exception {
        // The reference's MapTo dropped every parent op but filters (B-ST1); here f applies last.
        List<Object> out = range(1, 10).map(x -> x * 100).limit(2).<Object>map(x -> x).toList(ctx);
        assertEquals(List.of(100, 200), out);
        List<String> evens = range(1, 5).filter(x -> x % 2 == 0).map(x -> "e" + x * 10).toList(ctx);
        assertEquals(List.of("e20", "e40"), evens);
    }

    @Test
    void flatMapConcatenatesInnerStreamsInOrder() throws Exception {
        List<String> out = ints(1, 2, 3)
                .flatMap(x -> x == 2 ? streams.<String>empty() : goflow.stream(List.of(x + "a", x + "b")))
                .toList(ctx);
        assertEquals(List.of("1a", "1b", "3a", "3b"), out);
    }

    @Test
    void flatMapTreatsNullAsEmpty() throws Exception {
        assertEquals(List.of(2), ints(1, 2).flatMap(x -> x == 1 ? null : goflow.stream(List.of(x))).toList(ctx));
    }

    @Test
    void flatMapRejectsForeignStreams() {
        Stream<Integer> s = ints(1).flatMap(x -> foreignStream());
        var e = assertThrows(goflow.api.GoFlowException.class, () -> s.toList(ctx));
        assertTrue(e.getMessage().contains("flatMap needs streams created by goflow"), e.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static Stream<Integer> foreignStream() {
        return (Stream<Integer>) java.lang.reflect.Proxy.newProxyInstance(Stream.class.getClassLoader(),
                new Class<?>[] {Stream.class}, (proxy, method, args) -> null);
    }

    @Test
    void distinctKeepsFirstOccurrence() throws Exception {
        assertEquals(List.of(3, 1, 2), ints(3, 1, 3, 2, 1, 2).distinct().toList(ctx));
        assertEquals(Arrays.asList(null, 1), ints(null, 1, null).distinct().toList(ctx));
    }

    @Test
    void sortedIsStable() throws Exception {
        record Item(int key, String label) { }
        List<Item> in = List.of(new Item(2, "a"), new Item(1, "b"), new Item(2, "c"), new Item(1, "d"),
                new Item(0, "e"), new Item(2, "f"));
        List<String> labels = goflow.stream(in).sorted(Comparator.comparingInt(Item::key))
                .map(Item::label).toList(ctx);
        assertEquals(List.of("e", "b", "d", "a", "c", "f"), labels);
        // natural order too (sorted through Comparable without a comparator): 1.00, 1.0 and 1 compare
        // equal as BigDecimals and keep their encounter order
        List<java.math.BigDecimal> decimals = goflow.stream(List.of(new java.math.BigDecimal("1.00"),
                java.math.BigDecimal.ZERO, new java.math.BigDecimal("1.0"), java.math.BigDecimal.ONE)).sorted().toList(ctx);
        assertEquals(List.of("0", "1.00", "1.0", "1"), decimals.stream().map(Object::toString).toList());
    }

    @Test
    void sortedUsesNaturalOrder() throws Exception {
        assertEquals(List.of(1, 2, 3), ints(3, 1, 2).sorted().toList(ctx));
        Stream<Object> notComparable = streams.of(List.of(new Object(), new Object())).sorted();
        assertThrows(ClassCastException.class, () -> notComparable.toList(ctx));
    }

    @Test
    void skipAndLimit() throws Exception {
        assertEquals(List.of(3, 4), range(1, 10).skip(2).limit(2).toList(ctx));
        assertEquals(List.of(1, 2), range(1, 3).skip(0).toList(ctx));
        assertEquals(List.of(), range(1, 3).skip(5).toList(ctx));
        assertEquals(List.of(), range(1, 3).limit(0).toList(ctx));
        assertEquals(List.of(1, 2), range(1, 3).limit(Long.MAX_VALUE).toList(ctx));
    }

    @Test
    void peekSeesEveryElementPassing() throws Exception {
        List<Integer> seen = new ArrayList<>();
        assertEquals(List.of(2, 4), range(1, 5).peek(seen::add).filter(x -> x % 2 == 0).toList(ctx));
        assertEquals(List.of(1, 2, 3, 4), seen);
    }

    @Test
    void takeWhileAndDropWhile() throws Exception {
        assertEquals(List.of(1, 2), ints(1, 2, 5, 1).takeWhile(x -> x < 3).toList(ctx));
        assertEquals(List.of(5, 1), ints(1, 2, 5, 1).dropWhile(x -> x < 3).toList(ctx));
        assertEquals(List.of(), ints(5, 1).takeWhile(x -> x < 3).toList(ctx));
        assertEquals(List.of(), ints(1, 2).dropWhile(x -> x < 3).toList(ctx));
    }

    @Test
    void batchGroupsAndKeepsTheRemainder() throws Exception {
        assertEquals(List.of(List.of(1, 2), List.of(3, 4), List.of(5)), range(1, 6).batch(2).toList(ctx));
        assertEquals(List.of(List.of(1, 2)), range(1, 3).batch(2).toList(ctx));
        assertEquals(List.of(), range(1, 1).batch(2).toList(ctx));
        List<List<Integer>> batches = range(1, 4).batch(Integer.MAX_VALUE).toList(ctx);
        assertEquals(List.of(List.of(1, 2, 3)), batches);
        assertThrows(UnsupportedOperationException.class, () -> batches.get(0).add(9));
    }

    @Test
    void forEachRunsInOrderOnTheCallingThread() throws Exception {
        List<String> seen = new ArrayList<>();
        Thread caller = Thread.currentThread();
        range(1, 4).forEach(ctx, x -> {
            assertTrue(Thread.currentThread() == caller);
            seen.add("x" + x);
        });
        assertEquals(List.of("x1", "x2", "x3"), seen);
    }

    @Test
    void toListIsUnmodifiableAndAllowsNulls() throws Exception {
        List<Integer> out = ints(1, null, 3).toList(ctx);
        assertEquals(Arrays.asList(1, null, 3), out);
        assertThrows(UnsupportedOperationException.class, () -> out.add(4));
        assertEquals(List.of(), streams.empty().toList(ctx));
    }

    @Test
    void reduceWithIdentity() throws Exception {
        assertEquals(10, range(1, 5).reduce(ctx, 0, Integer::sum));
        assertEquals(7, streams.<Integer>empty().reduce(ctx, 7, Integer::sum));
        assertEquals("abc", streams.of(List.of("a", "b", "c")).reduce(ctx, "", String::concat));
    }

    @Test
    void reduceWithoutIdentity() throws Exception {
        assertEquals(Optional.of(24), range(1, 5).reduce(ctx, (a, b) -> a * b));
        assertEquals(Optional.empty(), streams.<Integer>empty().reduce(ctx, Integer::sum));
        assertEquals(Optional.of(5), ints(5).reduce(ctx, Integer::sum));
        var e = assertThrows(NullPointerException.class, () -> ints(1, 2).reduce(ctx, (a, b) -> null));
        assertTrue(e.getMessage().contains("reduce(): the result is null"), e.getMessage());
    }

    @Test
    void collectWorksWithJavaCollectors() throws Exception {
        assertEquals(Set.of(1, 2, 3), ints(1, 2, 2, 3).collect(ctx, Collectors.toSet()));
        assertEquals("a,b,c", streams.of(List.of("a", "b", "c")).collect(ctx, Collectors.joining(",")));
        Map<Boolean, List<Integer>> parts = range(1, 6).collect(ctx, Collectors.partitioningBy(x -> x % 2 == 0));
        assertEquals(List.of(2, 4), parts.get(true));
        assertEquals(List.of(1, 3, 5), parts.get(false));
        Map<Integer, Long> byLength = streams.of(List.of("aa", "b", "cc", "ddd"))
                .collect(ctx, Collectors.groupingBy(String::length, TreeMap::new, Collectors.counting()));
        assertEquals(Map.of(1, 1L, 2, 2L, 3, 1L), byLength);
        // A finisher runs; an empty stream gives the supplier's container, finished.
        int size = streams.<Integer>empty().collect(ctx,
                Collectors.collectingAndThen(Collectors.toList(), List::size));
        assertEquals(0, size);
        assertEquals(Optional.of(3), ints(1, 3, 2).collect(ctx, Collectors.maxBy(Comparator.naturalOrder())));
    }

    @Test
    void count() throws Exception {
        assertEquals(4, range(0, 4).count(ctx));
        assertEquals(0, streams.empty().count(ctx));
    }

    @Test
    void matchOperations() throws Exception {
        assertTrue(range(1, 5).anyMatch(ctx, x -> x == 3));
        assertFalse(range(1, 5).anyMatch(ctx, x -> x == 9));
        assertFalse(streams.empty().anyMatch(ctx, x -> true));
        assertTrue(range(1, 5).allMatch(ctx, x -> x > 0));
        assertFalse(range(1, 5).allMatch(ctx, x -> x < 3));
        assertTrue(streams.empty().allMatch(ctx, x -> false));
        assertTrue(range(1, 5).noneMatch(ctx, x -> x > 9));
        assertFalse(range(1, 5).noneMatch(ctx, x -> x == 2));
        assertTrue(streams.empty().noneMatch(ctx, x -> true));
    }

    @Test
    void findFirst() throws Exception {
        assertEquals(Optional.of(3), range(1, 9).filter(x -> x > 2).findFirst(ctx));
        assertEquals(Optional.empty(), streams.empty().findFirst(ctx));
        var e = assertThrows(NullPointerException.class, () -> ints(null, 1).findFirst(ctx));
        assertTrue(e.getMessage().contains("findFirst(): the first element is null"), e.getMessage());
    }

    @Test
    void minAndMaxReturnTheFirstOfEqualElements() throws Exception {
        record Item(int key, String label) { }
        List<Item> in = List.of(new Item(2, "a"), new Item(1, "b"), new Item(3, "c"), new Item(1, "d"),
                new Item(3, "e"));
        Comparator<Item> byKey = Comparator.comparingInt(Item::key);
        assertEquals("b", goflow.stream(in).min(ctx, byKey).orElseThrow().label());
        assertEquals("c", goflow.stream(in).max(ctx, byKey).orElseThrow().label());
        assertEquals(Optional.empty(), streams.<Item>empty().min(ctx, byKey));
        assertEquals(Optional.empty(), streams.<Item>empty().max(ctx, byKey));
    }

    @Test
    void invalidArgumentsAreRejectedAtOnceNamingTheField() {
        var e = assertThrows(InvalidConfigException.class, () -> range(1, 3).limit(-1));
        assertEquals("stream: invalid limit=-1 (must not be negative) - the most elements to pass on", e.getMessage());
        e = assertThrows(InvalidConfigException.class, () -> range(1, 3).skip(-2));
        assertEquals("skip", e.field());
        e = assertThrows(InvalidConfigException.class, () -> range(1, 3).batch(0));
        assertEquals("batch size", e.field());
        e = assertThrows(InvalidConfigException.class, () -> range(1, 3).mapConcurrent(0, x -> x));
        assertEquals("parallelism", e.field());
        e = assertThrows(InvalidConfigException.class, () -> range(1, 3).window(java.time.Duration.ZERO));
        assertEquals("window", e.field());
        e = assertThrows(InvalidConfigException.class, () -> range(1, 3).window(java.time.Duration.ofSeconds(1), 0));
        assertEquals("window maxSize", e.field());
        e = assertThrows(InvalidConfigException.class, () -> range(1, 3).filter(null));
        assertEquals("predicate", e.field());
        e = assertThrows(InvalidConfigException.class, () -> range(1, 3).toList(null));
        assertEquals("ctx", e.field());
        e = assertThrows(InvalidConfigException.class, () -> streams.of(null));
        assertEquals("elements", e.field());
    }

    @Test
    void aRejectedArgumentLeavesTheStreamUsable() throws Exception {
        Stream<Integer> s = range(1, 4);
        assertThrows(InvalidConfigException.class, () -> s.limit(-1));
        assertEquals(List.of(1, 2, 3), s.toList(ctx));
    }

    @Test
    void userExceptionsReachTheCallerUnchanged() {
        IllegalStateException boom = new IllegalStateException("boom");
        Stream<Integer> s = range(1, 5).map(x -> {
            if (x == 3) {
                throw boom;
            }
            return x;
        });
        assertTrue(boom == assertThrows(IllegalStateException.class, () -> s.toList(ctx)));
    }

    @Test
    void longChainsCompose() throws Exception {
        List<String> out = range(0, 100)
                .filter(x -> x % 3 != 0)
                .map(x -> x * 2)
                .dropWhile(x -> x < 10)
                .skip(1)
                .distinct()
                .flatMap(x -> goflow.stream(List.of(x, x + 1)))
                .takeWhile(x -> x < 40)
                .sorted(Comparator.reverseOrder())
                .batch(3)
                .map(List::toString)
                .limit(2)
                .toList(ctx);
        assertEquals(List.of("[39, 38, 35]", "[34, 33, 32]"), out);
    }
}
