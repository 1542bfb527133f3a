package goflow.impl.stream;

import java.util.Comparator;

/**
 * One link of a stream's chain: a source, or an operation over its upstream stage. Stages are
 * immutable descriptions; the state of one execution (counters, buffers, threads) lives in objects
 * created by {@link #forEachWhile}, which runs once per stream.
 *
 * @param <T> the type of the elements this stage produces
 */
abstract class StreamNode<T> {

    /**
     * Pushes this stage's elements, in order, to {@code sink} until there are none left or the
     * sink returns {@code false}. Implementations check {@code run} before pulling each element
     * from a source and while they wait, and release every resource they took before returning.
     *
     * @param run the execution: context, stop flag, owner thread
     * @param sink where the elements go
     * @return {@code false} if the sink asked to stop, {@code true} if this stage has no more
     *     elements
     * @throws InterruptedException if the thread is interrupted while a stage waits
     */
    abstract boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException;

    /**
     * The order this node's elements are known to come in, like java.util.stream's SORTED flag: the
     * comparator they are sorted by, or {@code null} when nothing is known. {@code distinct()} after
     * a node sorted by natural order (or its reverse) compares neighbours instead of remembering
     * every element.
     *
     * @return the comparator the elements are sorted by, or {@code null}
     */
    Comparator<? super T> sortedBy() {
        return null;
    }

    /**
     * How many elements this node passes on when it runs to the end, if that is known before it
     * runs (java.util.stream's SIZED flag), so that {@code sorted()} sizes its buffer once; -1 when
     * unknown.
     *
     * @return the number of elements, or -1
     */
    long knownSize() {
        return -1;
    }
}
