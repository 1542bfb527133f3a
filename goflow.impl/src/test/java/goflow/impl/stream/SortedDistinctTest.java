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
        List<String> data = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            data.add("w" + (i % 50)); // all of length 2 or 3: two runs under a by-length order
        }
        Comparator<String> byLength = Comparator.comparingInt(String::length);
        assertEquals(data.stream().distinct().sorted(byLength).toList(),
                goflow.stream(data).sorted(byLength).distinct().toList(ctx));
    }

    @Test
    void nullsUnderANullFriendlyOrderAreOneElementToo() throws InterruptedException {
        List<String> data = java.util.Arrays.asList("b", null, "a", null, "b");
        assertEquals(java.util.Arrays.asList(null, "a", "b"),
                goflow.stream(data).sorted(Comparator.nullsFirst(Comparator.<String>naturalOrder())).distinct().toList(ctx));
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
