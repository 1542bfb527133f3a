package goflow.impl.stream;

import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.RandomAccess;
import java.util.SortedSet;
import java.util.Spliterator;
import java.util.function.Consumer;
import java.util.function.Supplier;

import goflow.api.ClosedException;
import goflow.api.channel.BackpressureChannel;
import goflow.api.context.ContextException;
import goflow.api.stream.StreamException;
import goflow.api.stream.StreamSource;

/** The source stages. Each checks the run before pulling every element. */
final class Sources {
    private Sources() {
    }

    /** An {@code Iterable}; indexed access for random-access lists (no iterator per element). */
    static final class OfIterable<T> extends StreamNode<T> {
        private final Iterable<? extends T> elements;

        OfIterable(Iterable<? extends T> elements) {
            this.elements = elements;
        }

        @Override
        long knownSize() {
            return elements instanceof Collection<?> c ? c.size() : -1;
        }

        /** A {@code SortedSet} (a {@code TreeSet}, say) comes in its own order. */
        @Override
        @SuppressWarnings("unchecked")
        Comparator<? super T> sortedBy() {
            if (elements instanceof SortedSet<?> set) {
                Comparator<?> c = set.comparator();
                return c != null ? (Comparator<? super T>) c : (Comparator<? super T>) Comparator.naturalOrder();
            }
            return null;
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
            if (elements instanceof List<? extends T> list && elements instanceof RandomAccess) {
                for (int i = 0, n = list.size(); i < n; i++) {
                    run.check();
                    if (!sink.accept(list.get(i))) {
                        return false;
                    }
                }
                return true;
            }
            return iterate(run, elements.iterator(), sink);
        }
    }

    /** An iterator. */
    static final class OfIterator<T> extends StreamNode<T> {
        private final Iterator<? extends T> iterator;

        OfIterator(Iterator<? extends T> iterator) {
            this.iterator = iterator;
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
            return iterate(run, iterator, sink);
        }
    }

    static <T> boolean iterate(TerminalRun run, Iterator<? extends T> it, Downstream<? super T> sink)
            throws InterruptedException {
        while (true) {
            run.check();
            if (!it.hasNext()) {
                return true;
            }
            if (!sink.accept(it.next())) {
                return false;
            }
        }
    }

    /** A {@code java.util.stream.Stream}, pulled one element at a time through its spliterator. */
    static final class OfJavaStream<T> extends StreamNode<T> {
        private final java.util.stream.Stream<? extends T> stream;

        OfJavaStream(java.util.stream.Stream<? extends T> stream) {
            this.stream = stream;
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
            Spliterator<? extends T> split = stream.spliterator();
            Holder<T> holder = new Holder<>();
            while (true) {
                run.check();
                if (!split.tryAdvance(holder)) {
                    return true;
                }
                if (!sink.accept(holder.take())) {
                    return false;
                }
            }
        }
    }

    /** An infinite generator. */
    static final class Generate<T> extends StreamNode<T> {
        private final Supplier<? extends T> generator;

        Generate(Supplier<? extends T> generator) {
            this.generator = generator;
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
            while (true) {
                run.check();
                if (!sink.accept(generator.get())) {
                    return false;
                }
            }
        }
    }

    /** No elements. */
    static final class Empty<T> extends StreamNode<T> {
        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) {
            return true;
        }
    }

    /** A channel, received from until it is closed and drained; never closed by the stream. */
    static final class OfChannel<T> extends StreamNode<T> {
        private final BackpressureChannel<? extends T> channel;

        OfChannel(BackpressureChannel<? extends T> channel) {
            this.channel = channel;
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
            while (true) {
                run.check();
                T value;
                try {
                    value = channel.receive(run.scope);
                } catch (ContextException e) {
                    throw run.failFrom(e);
                } catch (ClosedException closedAndDrained) {
                    return true;
                }
                if (!sink.accept(value)) {
                    return false;
                }
            }
        }
    }

    /** A {@link StreamSource}: opens a cursor, registers its close as a hook of its own chain. */
    static final class OfSource<T> extends StreamNode<T> {
        private final ChainState owner;
        private final StreamSource<? extends T> source;

        OfSource(ChainState owner, StreamSource<? extends T> source) {
            this.owner = owner;
            this.source = source;
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
            StreamSource.Cursor<? extends T> cursor = open(run);
            owner.addSourceHook(cursor);
            Holder<T> holder = new Holder<>();
            while (true) {
                run.check();
                boolean more;
                holder.passed = 0;
                try {
                    more = cursor.tryAdvance(run.scope, holder);
                } catch (ContextException e) {
                    throw run.failFrom(e);
                } catch (InterruptedException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new StreamException("stream '" + owner.name() + "': reading the source failed: " + e, e);
                }
                if (!more) {
                    if (holder.passed > 0) {
                        // "false" means no element: one passed with it would be lost without a word
                        throw new StreamException("stream '" + owner.name() + "': the source's cursor passed an "
                                + "element to the action and returned false (" + SourceCounters.userClass(cursor).getName()
                                + "); it returns true when it passes an element, false only when it passes none",
                                null);
                    }
                    return true;
                }
                if (holder.passed == 0) {
                    throw new StreamException("stream '" + owner.name() + "': the source's cursor returned true "
                            + "without passing an element to the action (" + SourceCounters.userClass(cursor).getName() + ")",
                            null);
                }
                if (holder.passed > 1) {
                    // the last one overwrote the others: they would be lost without a word
                    throw new StreamException("stream '" + owner.name() + "': the source's cursor passed " + holder.passed
                            + " elements to the action in one call (" + SourceCounters.userClass(cursor).getName()
                            + "); it passes exactly one each time it returns true", null);
                }
                if (!sink.accept(holder.take())) {
                    return false;
                }
            }
        }

        private StreamSource.Cursor<? extends T> open(TerminalRun run) throws InterruptedException {
            StreamSource.Cursor<? extends T> cursor;
            try {
                cursor = source.open(run.scope);
            } catch (ContextException e) {
                throw run.failFrom(e);
            } catch (InterruptedException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new StreamException("stream '" + owner.name() + "': opening the source failed: " + e, e);
            }
            if (cursor == null) {
                throw new StreamException("stream '" + owner.name() + "': the source returned a null cursor ("
                        + SourceCounters.userClass(source).getName() + ")", null);
            }
            return cursor;
        }
    }

    /**
     * Receives one element from a spliterator or cursor; reused for every element. {@code passed}
     * counts the elements given since the caller reset it (a cursor checks it is exactly one).
     */
    static final class Holder<T> implements Consumer<T> {
        private T value;
        int passed;

        @Override
        public void accept(T t) {
            value = t;
            passed++;
        }

        T take() {
            T t = value;
            value = null;
            return t;
        }
    }
}
