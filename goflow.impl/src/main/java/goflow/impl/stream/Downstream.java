package goflow.impl.stream;

/**
 * Receives the elements a {@link StreamNode} pushes. Used by one thread at a time.
 *
 * @param <T> the element type
 */
@FunctionalInterface
interface Downstream<T> {
    /**
     * Takes one element.
     *
     * @param element the element
     * @return {@code false} to stop the stage pushing (nothing more is wanted), {@code true} for more
     * @throws InterruptedException if the thread is interrupted while the sink waits
     */
    boolean accept(T element) throws InterruptedException;
}
