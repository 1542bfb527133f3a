package goflow.api.internal.context;

import java.time.Instant;
import java.util.Optional;

import goflow.api.Clock;
import goflow.api.Registration;
import goflow.api.context.ContextException;

/** A context that adds one key/value pair and is done exactly when its parent is. Immutable. */
final class ValueNode extends AbstractContext {
    private final AbstractContext parent;
    private final Key<?> key;
    private final Object value;

    ValueNode(AbstractContext parent, Key<?> key, Object value) {
        this.parent = parent;
        this.key = key;
        this.value = value;
    }

    @Override
    boolean hasDeadline() {
        return parent.hasDeadline();
    }

    @Override
    long deadlineNanos() {
        return parent.deadlineNanos();
    }

    @Override
    Instant deadlineInstant() {
        return parent.deadlineInstant();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> value(Key<T> k) {
        if (k == key) {
            return Optional.ofNullable((T) value);
        }
        return parent.value(k);
    }

    @Override
    public boolean isDone() {
        return parent.isDone();
    }

    @Override
    public Optional<ContextException> error() {
        return parent.error();
    }

    @Override
    public Optional<Throwable> cause() {
        return parent.cause();
    }

    @Override
    public Clock clock() {
        return parent.clock();
    }

    @Override
    public Registration onDone(Runnable callback) {
        return parent.onDone(callback);
    }

    @Override
    Registration onDoneChild(CancelNode child) {
        return parent.onDoneChild(child);
    }

    @Override
    public String toString() {
        return parent + ".withValue(" + key.name() + ")";
    }
}
