package goflow.impl.stream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The operations that remember elements: distinct, sorted and batch. */
final class Buffering {
    private Buffering() {
    }

    static final class Distinct<T> extends StreamNode<T> {
        private final StreamNode<T> up;

        Distinct(StreamNode<T> up) {
            this.up = up;
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
            Set<T> seen = new HashSet<>();
            return up.forEachWhile(run, t -> !seen.add(t) || sink.accept(t));
        }
    }

    /** Collects everything, sorts with {@code List.sort} (a stable merge sort), then passes it on. */
    static final class Sorted<T> extends StreamNode<T> {
        private final StreamNode<T> up;
        private final Comparator<? super T> comparator;

        Sorted(StreamNode<T> up, Comparator<? super T> comparator) {
            this.up = up;
            this.comparator = comparator;
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
            List<T> all = new ArrayList<>();
            up.forEachWhile(run, t -> {
                all.add(t);
                return true;
            });
            all.sort(comparator);
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
