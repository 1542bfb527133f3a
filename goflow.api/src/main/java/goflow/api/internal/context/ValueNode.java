package goflow.api.internal.context;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;

import goflow.api.Clock;
import goflow.api.Registration;
import goflow.api.context.ContextException;

/**
 * A context that adds one key/value pair and is done exactly when its parent is. Immutable.
 *
 * <p>Everything but the value is asked of {@code base}, the nearest ancestor that is not a value
 * node, directly: a chain of value nodes of any depth answers without recursion.
 */
final class ValueNode extends AbstractContext {
    private final AbstractContext parent;
    /** The nearest ancestor that is not a {@link ValueNode}: the one this node is done with. */
    private final AbstractContext base;
    final Key<?> key;
    final Object value;

    ValueNode(AbstractContext parent, Key<?> key, Object value) {
        this.parent = parent;
        this.base = parent instanceof ValueNode v ? v.base : parent;
        this.key = key;
        this.value = value;
    }

    @Override
    AbstractContext parent() {
        return parent;
    }

    @Override
    boolean hasDeadline() {
        return base.hasDeadline();
    }

    @Override
    long deadlineNanos() {
        return base.deadlineNanos();
    }

    @Override
    Instant deadlineInstant() {
        return base.deadlineInstant();
    }

    @Override
    public boolean isDone() {
        return base.isDone();
    }

    @Override
    public Optional<ContextException> error() {
        return base.error();
    }

    @Override
    public Optional<Throwable> cause() {
        return base.cause();
    }

    @Override
    public Clock clock() {
        return base.clock();
    }

    @Override
    public Registration onDone(Runnable callback) {
        return base.onDone(callback);
    }

    @Override
    Registration onDoneChild(CancelNode child) {
        return base.onDoneChild(child);
    }

    @Override
    public String toString() {
        ArrayDeque<String> names = new ArrayDeque<>();
        AbstractContext c = this;
        for (; c instanceof ValueNode v; c = v.parent) {
            names.push(v.key.name());
        }
        StringBuilder sb = new StringBuilder(c.toString());
        for (String name : names) {
            sb.append(".withValue(").append(name).append(')');
        }
        return sb.toString();
    }
}
