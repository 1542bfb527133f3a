package goflow.impl.stream;

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
}
