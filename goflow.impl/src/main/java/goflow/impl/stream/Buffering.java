package goflow.impl.stream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** The operations that remember elements: distinct, sorted and batch. */
final class Buffering {
    private Buffering() {
    }

    /**
     * Passes each element on the first time it is seen (by {@code equals}). Over an upstream sorted
     * by natural order or its reverse ({@link StreamNode#sortedBy()}) equal elements are neighbours,
     * so it remembers only the current run of elements that compare equal ({@link SortedDistinct});
     * otherwise every element seen, in a {@code HashSet}. Like {@code java.util.stream}, only the
     * natural order is trusted to be consistent with {@code equals}: a comparator may order equal
     * elements apart (sorting by time elements equal by id), and they would then be passed twice.
     */
    static final class Distinct<T> extends StreamNode<T> {
        private final StreamNode<T> up;

        Distinct(StreamNode<T> up) {
            this.up = up;
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
            Comparator<? super T> order = up.sortedBy();
            if (order == Comparator.naturalOrder() || order == Comparator.reverseOrder()) {
                return up.forEachWhile(run, new SortedDistinct<T>(order, sink));
            }
            Set<T> seen = new HashSet<>();
            return up.forEachWhile(run, t -> !seen.add(t) || sink.accept(t));
        }

        @Override
        Comparator<? super T> sortedBy() {
            return up.sortedBy(); // dropping elements keeps the order
        }
    }

    /**
     * Distinct over sorted elements: an element equal to an earlier one compares equal to it, so it
     * is in the current run of elements that compare equal (usually one element long: a comparator
     * consistent with equals makes every run hold one distinct element). Only that run is kept, in
     * a list while it is short and in a set beyond.
     */
    private static final class SortedDistinct<T> implements Downstream<T> {
        private static final int LIST_MAX = 8;
        private final Comparator<? super T> order;
        private final Downstream<? super T> down;
        /** Whether an element came yet; {@code first} is the first element of the current run. */
        private boolean started;
        private T first;
        /** The other distinct elements of the run, when it has any (rare): a list up to LIST_MAX, then a set. */
        private List<T> others;
        private Set<T> othersSet;

        SortedDistinct(Comparator<? super T> order, Downstream<? super T> down) {
            this.order = order;
            this.down = down;
        }

        @Override
        public boolean accept(T t) throws InterruptedException {
            if (!started || order.compare(first, t) != 0) {
                started = true;
                first = t; // a new run: nothing before it can equal t
                others = null;
                othersSet = null;
                return down.accept(t);
            }
            if (Objects.equals(first, t) || othersSet != null && othersSet.contains(t)
                    || othersSet == null && others != null && others.contains(t)) {
                return true;
            }
            if (othersSet != null) {
                othersSet.add(t);
            } else {
                if (others == null) {
                    others = new ArrayList<>(2);
                }
                others.add(t);
                if (others.size() > LIST_MAX) {
                    othersSet = new HashSet<>(others);
                }
            }
            return down.accept(t);
        }
    }

    /** Collects everything, sorts with {@code List.sort} (a stable merge sort), then passes it on. */
    static final class Sorted<T> extends StreamNode<T> {
        /** The largest buffer sized in advance from {@link StreamNode#knownSize()}. */
        private static final long MAX_PRESIZE = 1 << 24;
        private final StreamNode<T> up;
        private final Comparator<? super T> comparator;

        Sorted(StreamNode<T> up, Comparator<? super T> comparator) {
            this.up = up;
            this.comparator = comparator;
        }

        @Override
        Comparator<? super T> sortedBy() {
            return comparator;
        }

        @Override
        long knownSize() {
            return up.knownSize();
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
            long size = up.knownSize();
            // sized once when the count is known (and sane); a source may still give more, the list then grows
            List<T> all = size >= 0 && size <= MAX_PRESIZE ? new ArrayList<>((int) size) : new ArrayList<>();
            up.forEachWhile(run, t -> {
                all.add(t);
                return true;
            });
            // Natural order sorts with ComparableTimSort (List.sort(null)), as Arrays.sort(Object[]) does:
            // the same stable merge sort calling compareTo directly (docs/benchmarks.md, "fourth round")
            all.sort(comparator == Comparator.naturalOrder() ? null : comparator);
            for (int i = 0, n = all.size(); i < n; i++) {
                run.check();
                T t = all.set(i, null);
                if (!sink.accept(t)) {
                    return false;
                }
            }
            return true;
        }
    }

    static final class Batch<T> extends StreamNode<List<T>> {
        private final StreamNode<T> up;
        private final int size;

        Batch(StreamNode<T> up, int size) {
            this.up = up;
            this.size = size;
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super List<T>> sink) throws InterruptedException {
            Batcher<T> batcher = new Batcher<>(size, sink);
            if (!up.forEachWhile(run, batcher)) {
                return false;
            }
            return batcher.current.isEmpty() || sink.accept(Collections.unmodifiableList(batcher.current));
        }
    }

    /** Fills a list and passes it on when full; the last, partial list is left in {@link #current}. */
    private static final class Batcher<T> implements Downstream<T> {
        private final int size;
        private final int initialCapacity;
        private final Downstream<? super List<T>> down;
        List<T> current;

        Batcher(int size, Downstream<? super List<T>> down) {
            this.size = size;
            this.initialCapacity = Math.min(size, 1024);
            this.down = down;
            this.current = new ArrayList<>(initialCapacity);
        }

        @Override
        public boolean accept(T t) throws InterruptedException {
            current.add(t);
            if (current.size() < size) {
                return true;
            }
            List<T> full = Collections.unmodifiableList(current);
            current = new ArrayList<>(initialCapacity);
            return down.accept(full);
        }
    }
}
