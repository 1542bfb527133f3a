package goflow.impl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import goflow.api.Primitive;
import goflow.api.Registration;
import goflow.api.inspect.Stats;

class PrimitiveRegistryListenerTest {

    /** A primitive that only lives in the registry. */
    private static final class Dummy implements Primitive {
        private final PrimitiveRegistry.Entry entry;

        Dummy(PrimitiveRegistry.Entry entry) {
            this.entry = entry;
        }

        @Override
        public String name() {
            return entry.name();
        }

        @Override
        public Kind kind() {
            return Kind.WORKER_POOL;
        }

        @Override
        public Stats stats() {
            return new Stats() {
                @Override
                public Map<String, Object> toMap() {
                    return Map.of();
                }
            };
        }

        @Override
        public void close() {
            entry.release();
        }
    }

    @Test
    void listenerSeesExistingAddedAndRemovedPrimitivesOnce() {
        PrimitiveRegistry registry = new PrimitiveRegistry("bundle.a");
        PrimitiveRegistry.Entry first = registry.reserve(Primitive.Kind.WORKER_POOL, "first");
        Dummy one = first.activate(new Dummy(first));
        List<String> events = new CopyOnWriteArrayList<>();
        Registration reg = registry.addListener(new PrimitiveRegistry.Listener() {
            @Override
            public void added(Primitive p, String owner) {
                events.add("+" + p.name() + "@" + owner);
            }

            @Override
            public void removed(Primitive p, String owner) {
                events.add("-" + p.name() + "@" + owner);
            }
        });
        PrimitiveRegistry.Entry second = registry.reserve(Primitive.Kind.WORKER_POOL, null);
        second.activate(new Dummy(second));
        PrimitiveRegistry.Entry failed = registry.reserve(Primitive.Kind.WORKER_POOL, "never-built");
        failed.release();
        one.close();
        one.close();
        registry.closeAll();
        reg.close();
        assertEquals(List.of("+first@bundle.a", "+worker-pool-1@bundle.a", "-first@bundle.a",
                "-worker-pool-1@bundle.a"), events);
    }

    @Test
    void failingListenerDoesNotBreakTheRegistry() {
        PrimitiveRegistry registry = new PrimitiveRegistry("app");
        registry.addListener(new PrimitiveRegistry.Listener() {
            @Override
            public void added(Primitive p, String owner) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void removed(Primitive p, String owner) {
                throw new IllegalStateException("boom");
            }
        });
        PrimitiveRegistry.Entry e = registry.reserve(Primitive.Kind.WORKER_POOL, "p");
        Dummy d = e.activate(new Dummy(e));
        assertEquals(1, registry.primitives().size());
        d.close();
        assertEquals(0, registry.primitives().size());
    }
}
