package goflow.impl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    void aVirtualMachineErrorIsNotSwallowed() {
        PrimitiveRegistry registry = new PrimitiveRegistry("test");
        Outside broken = new Outside("vm");
        registry.register(broken);
        broken.failure = new OutOfMemoryError("Java heap space");
        assertThrows(OutOfMemoryError.class, registry::snapshot);
    }
}
