package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.context.Context;

/**
 * {@code distinct()} over a stream known to be sorted (after {@code sorted()}, through the
 * operations that keep the order, or from a {@code SortedSet}) keeps only the current run of
 * elements that compare equal, and gives exactly what the set-based distinct gives.
 */
class SortedDistinctTest {
    private final GoFlow goflow = GoFlow.load();
    private final Context ctx = Context.background();

    @AfterEach
    void close() {
        goflow.close();
    }

    @Test
    void sortedThenDistinctIsTheSetBasedResult() throws InterruptedException {
        Random random = new Random(7);
        List<Integer> data = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            data.add(random.nextInt(500));
        }
        List<Integer> expected = data.stream().distinct().sorted().toList();
        assertEquals(expected, goflow.stream(data).sorted().distinct().toList(ctx));
        assertEquals(expected.stream().filter(x -> x % 3 == 0).toList(),
                goflow.stream(data).sorted().filter(x -> x % 3 == 0).distinct().toList(ctx));
        assertEquals(expected.subList(0, 10), goflow.stream(data).sorted().distinct().limit(10).toList(ctx));
        List<Integer> descending = new ArrayList<>(expected);
        java.util.Collections.reverse(descending);
        assertEquals(descending, goflow.stream(data).sorted(Comparator.reverseOrder()).distinct().toList(ctx));
    }

    @Test
    void elementsThatCompareEqualButAreNotEqualAreAllKeptOnceEach() throws InterruptedException {
        // 1.0, 1.00 and 1 compare equal as BigDecimals but are not equal: one run, three distinct elements
        List<BigDecimal> data = new ArrayList<>();
        for (String s : new String[] {"1.0", "2", "1.00", "1.0", "1", "1.00", "2", "0.5"}) {
            data.add(new BigDecimal(s));
        }
        List<BigDecimal> exact = data.stream().distinct().sorted().toList();
        assertEquals(List.of(new BigDecimal("0.5"), new BigDecimal("1.0"), new BigDecimal("1.00"), new BigDecimal("1"),
                new BigDecimal("2")), exact);
        assertEquals(exact, goflow.stream(data).sorted().distinct().toList(ctx));
    }

    @Test
    void aLongRunOfElementsThatCompareEqualIsDeduplicatedToo() throws InterruptedException {
        // 1, 1.0, 1.00, ... and 2, 2.0, ...: two runs of 20 elements that compare equal but are not equal
        List<BigDecimal> data = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            data.add(BigDecimal.valueOf(1 + i / 20 % 2).setScale(i % 20));
        }
        assertEquals(data.stream().distinct().sorted().toList(), goflow.stream(data).sorted().distinct().toList(ctx));
        assertEquals(40, goflow.stream(data).sorted().distinct().count(ctx));
    }

    @Test
    void nullsUnderANullFriendlyOrderAreOneElementToo() throws InterruptedException {
        List<String> data = java.util.Arrays.asList("b", null, "a", null, "b");
        assertEquals(java.util.Arrays.asList(null, "a", "b"),
                goflow.stream(data).sorted(Comparator.nullsFirst(Comparator.<String>naturalOrder())).distinct().toList(ctx));
    }

    /** Equal by id only; sorted by when it was seen, which equal elements need not share. */
    private record Sighting(String id, int at) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Sighting other && other.id.equals(id);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }
    }

    @Test
    void equalElementsThatDoNotCompareEqualAreStillDroppedUnderAComparator() throws InterruptedException {
        // a comparator need not be consistent with equals: equal elements may be far apart once sorted
        List<Sighting> data = List.of(new Sighting("a", 3), new Sighting("b", 2), new Sighting("a", 1));
        Comparator<Sighting> byTime = Comparator.comparingInt(Sighting::at);
        List<Sighting> expected = data.stream().sorted(byTime).distinct().toList();
        assertEquals(2, expected.size());
        assertEquals(expected, goflow.stream(data).sorted(byTime).distinct().toList(ctx));
        TreeSet<Sighting> set = new TreeSet<>(byTime);
        set.addAll(data);
        assertEquals(expected, goflow.stream(set).distinct().toList(ctx));
    }

    @Test
    void aSortedSetIsKnownToBeSorted() throws InterruptedException {
        TreeSet<Integer> set = new TreeSet<>(List.of(5, 1, 3));
        StreamNode<Integer> source = new Sources.OfIterable<>(set);
        assertEquals(Comparator.naturalOrder(), source.sortedBy());
        assertEquals(List.of(1, 3, 5), goflow.stream(set).distinct().toList(ctx));
        assertEquals(null, new Sources.OfIterable<>(List.of(1, 2)).sortedBy());
    }
}
