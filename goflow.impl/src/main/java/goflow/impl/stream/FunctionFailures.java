package goflow.impl.stream;

import goflow.api.stream.StreamException;

/**
 * What a terminal operation throws for a failure of a function given to an operation, or for a
 * failure captured on one of the stream's threads: unchecked exceptions and errors unchanged, an
 * {@link InterruptedException} as is, any other checked exception as the cause of a
 * {@link StreamException} naming the stream and the operation (see {@code Stream}'s class
 * documentation).
 */
final class FunctionFailures {
    private FunctionFailures() {
    }

    /**
     * Returns {@code t} for a {@code throw} if it is unchecked; throws it if it is an {@link Error}
     * or an {@link InterruptedException}; wraps any other checked exception in a
     * {@link StreamException}.
     *
     * @param shared the stream, for its name
     * @param what what threw, for the message: {@code "the function given to map()"}
     * @param t the failure
     * @return the exception to throw
     * @throws InterruptedException if {@code t} is one
     */
    static RuntimeException rethrow(ChainState shared, String what, Throwable t) throws InterruptedException {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t instanceof InterruptedException ie) {
            throw ie;
        }
        return new StreamException("stream '" + shared.name() + "': " + what + " threw " + t, t);
    }
}
