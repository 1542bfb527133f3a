package goflow.impl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import goflow.api.Primitive;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.inspect.Stats;

/**
 * A snapshot of the registry with a primitive whose {@code stats()} fails (one registered from
 * outside): it stays listed with the failure, and the others are read as usual.
 */
class PrimitiveRegistrySnapshotTest {

    /** A primitive registered from outside whose statistics fail with whatever {@code failure} holds. */
    private static final class Outside implements Primitive {
        private final String name;
        volatile Throwable failure;

        Outside(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Kind kind() {
            return Kind.TOKEN_BUCKET;
        }

        @Override
        public Stats stats() {
            Throwable f = failure;
            if (f instanceof RuntimeException r) {
                throw r;
            }
            if (f instanceof Error e) {
                throw e;
            }
            return new Stats() {
                @Override
                public Map<String, Object> toMap() {
                    return Map.of("rate", 5.0);
                }
            };
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aPrimitiveWhoseStatsFailIsListedWithTheFailureAndTheOthersAreRead() {
        PrimitiveRegistry registry = new PrimitiveRegistry("test");
        Outside broken = new Outside("a-broken");
        Outside fine = new Outside("b-fine");
        registry.register(broken);
        registry.register(fine);
        broken.failure = new NoClassDefFoundError("com/acme/LimiterStats"); // its bundle was refreshed away

        List<PrimitiveInfo> rows = registry.snapshot();
        assertEquals(List.of("a-broken", "b-fine"), rows.stream().map(PrimitiveInfo::name).toList());
        assertEquals(Map.of("statsError", "java.lang.NoClassDefFoundError: com/acme/LimiterStats"),
                rows.get(0).stats().toMap());
        assertEquals(Map.of("rate", 5.0), rows.get(1).stats().toMap());

        broken.failure = new IllegalStateException("closed underneath");
        assertEquals(Map.of("statsError", "java.lang.IllegalStateException: closed underneath"),
                registry.snapshot().get(0).stats().toMap());

        broken.failure = null; // it recovers
        assertEquals(Map.of("rate", 5.0), registry.snapshot().get(0).stats().toMap());
    }

    @Test
    void aFailureWhoseMessageCannotBeReadIsListedToo() {
        // an exception whose message is built lazily and fails (here: a null it dereferences)
        PrimitiveRegistry registry = new PrimitiveRegistry("test");
        Outside broken = new Outside("a-broken");
        Outside fine = new Outside("b-fine");
        registry.register(broken);
        registry.register(fine);
        broken.failure = new LazyMessage(new NullPointerException("the message's own field is null"));
        List<PrimitiveInfo> rows = registry.snapshot();
        assertEquals(List.of("a-broken", "b-fine"), rows.stream().map(PrimitiveInfo::name).toList());
        String shown = (String) rows.get(0).stats().toMap().get("statsError");
        assertTrue(shown.contains("LazyMessage") && shown.contains("NullPointerException"), shown);
        assertEquals(Map.of("rate", 5.0), rows.get(1).stats().toMap());

        // an Error from the message (its bundle refreshed away): the logging handler (which catches only Exception) lets it through
        broken.failure = new LazyMessage(new NoClassDefFoundError("com/acme/Messages"));
        registry.snapshot(); // a recovery in between, so that the failure is logged again
        broken.failure = null;
        registry.snapshot();
        broken.failure = new LazyMessage(new NoClassDefFoundError("com/acme/Messages"));
        shown = (String) registry.snapshot().get(0).stats().toMap().get("statsError");
        assertTrue(shown.contains("LazyMessage") && shown.contains("NoClassDefFoundError"), shown);
    }

    /** An exception whose message is built on demand, and fails with {@code failure}. */
    private static final class LazyMessage extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final transient Throwable failure;

        LazyMessage(Throwable failure) {
            this.failure = failure;
        }

        @Override
        public String getMessage() {
            if (failure instanceof Error e) {
                throw e;
            }
            throw (RuntimeException) failure;
        }
    }

    @Test
    void aVirtualMachineErrorIsNotSwallowed() {
        PrimitiveRegistry registry = new PrimitiveRegistry("test");
        Outside broken = new Outside("vm");
        registry.register(broken);
        broken.failure = new OutOfMemoryError("Java heap space");
        assertThrows(OutOfMemoryError.class, registry::snapshot);
    }
}
