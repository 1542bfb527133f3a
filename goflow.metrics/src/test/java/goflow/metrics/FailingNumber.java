package goflow.metrics;

/**
 * A plugin's own {@code Number} type whose value fails when read, with a {@link LinkageError} (as
 * once its bundle is gone): for the tests that every reader of figures survives it. Shared with
 * goflow.web's and goflow.micrometer's tests through this module's test jar.
 */
public final class FailingNumber extends Number {
    private static final long serialVersionUID = 1L;

    @Override
    public int intValue() {
        return (int) doubleValue();
    }

    @Override
    public long longValue() {
        return (long) doubleValue();
    }

    @Override
    public float floatValue() {
        return (float) doubleValue();
    }

    @Override
    public double doubleValue() {
        throw new LinkageError("its plugin is gone");
    }
}
