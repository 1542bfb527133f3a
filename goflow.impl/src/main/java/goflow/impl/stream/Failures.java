package goflow.impl.stream;

import goflow.api.stream.StreamException;

/** Rethrowing a failure captured on another thread. */
final class Failures {
    private Failures() {
    }

    /**
     * Returns {@code t} for a {@code throw} if it is unchecked; throws it if it is an {@link Error};
     * wraps anything else in a {@link StreamException}.
     */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new StreamException("stream operation failed: " + t, t);
    }
}
