package goflow.impl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.Registration;
import goflow.api.inspect.Stats;

class PrimitiveRegistryListenerTest {

    /** A primitive that only lives in the registry. */
    private static class Dummy implements Primitive {
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

    /**
     * A primitive closed while a new listener is told about the listed ones (here by the listener
     * itself, when told about the first: its removal is reported before its addition) is reported
     * removed last, so the listener is not left holding a closed primitive (an MBean of it).
     */
    @Test
    void aPrimitiveClosedWhileANewListenerIsToldIsReportedRemovedLast() {
        PrimitiveRegistry registry = new PrimitiveRegistry("app");
        PrimitiveRegistry.Entry a = registry.reserve(Primitive.Kind.WORKER_POOL, "a");
        a.activate(new Dummy(a));
        PrimitiveRegistry.Entry b = registry.reserve(Primitive.Kind.WORKER_POOL, "b");
        Dummy closedMeanwhile = b.activate(new Dummy(b));
        List<String> events = new CopyOnWriteArrayList<>();
        registry.addListener(new PrimitiveRegistry.Listener() {
            @Override
            public void added(Primitive p, String owner) {
                events.add("+" + p.name());
                if (p.name().equals("a")) {
                    closedMeanwhile.close(); // another thread's close, between the listing and b's report
                }
            }

            @Override
            public void removed(Primitive p, String owner) {
                events.add("-" + p.name());
            }
        });
        assertEquals("-b", events.get(events.size() - 1), events.toString());
        assertEquals(List.of("+a", "-b", "+b", "-b"), events);
    }

    @Test
    void aListenerThatFailsWhileToldAboutTheListedPrimitivesIsNotKept() {
        PrimitiveRegistry registry = new PrimitiveRegistry("app");
        PrimitiveRegistry.Entry a = registry.reserve(Primitive.Kind.WORKER_POOL, "a");
        a.activate(new Dummy(a));
        List<String> events = new CopyOnWriteArrayList<>();
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> registry.addListener(new PrimitiveRegistry.Listener() {
                    @Override
                    public void added(Primitive p, String owner) {
                        events.add("+" + p.name());
                        throw new IllegalStateException("the MBean server refuses " + p.name());
                    }

                    @Override
                    public void removed(Primitive p, String owner) {
                        events.add("-" + p.name());
                    }
                }));
        assertEquals("the MBean server refuses a", refused.getMessage());
        PrimitiveRegistry.Entry later = registry.reserve(Primitive.Kind.WORKER_POOL, "later");
        later.activate(new Dummy(later)).close();
        assertEquals(List.of("+a"), events, "the failed listener is told nothing more");
    }

    /**
     * A primitive whose name was reserved before {@code closeAll()} and that was activated after it
     * (a pool built on one thread while GoFlow.close() runs on another) was missed by closeAll and
     * stayed listed and running after the registry was closed.
     */
    @Test
    void aPrimitiveActivatedAfterCloseAllIsClosedAndRefused() {
        PrimitiveRegistry registry = new PrimitiveRegistry("app");
        List<String> events = new CopyOnWriteArrayList<>();
        registry.addListener(new PrimitiveRegistry.Listener() {
            @Override
            public void added(Primitive p, String owner) {
                events.add("+" + p.name());
            }

            @Override
            public void removed(Primitive p, String owner) {
                events.add("-" + p.name());
            }
        });
        PrimitiveRegistry.Entry building = registry.reserve(Primitive.Kind.WORKER_POOL, "late");
        registry.closeAll();
        List<String> closed = new CopyOnWriteArrayList<>();
        Dummy late = new Dummy(building) {
            @Override
            public void close() {
                closed.add(name());
                super.close();
            }
        };
        ClosedException refused = assertThrows(ClosedException.class, () -> building.activate(late));
        assertTrue(refused.getMessage().contains("'late'"), refused.getMessage());
        assertEquals(List.of("late"), closed, "the primitive built too late was closed");
        assertEquals(List.of(), registry.primitives());
        assertTrue(events.isEmpty() || events.equals(List.of("+late", "-late")), events.toString());
    }

    /**
     * A primitive registered from outside whose close() fails (here the first closed: a stream
     * consumer, the last kind) does not leave the others open: closeAll closes every one, then
     * throws what the first failure threw, with the later ones suppressed.
     */
    @Test
    void closeAllClosesEveryPrimitiveWhenOneFailsToClose() {
        PrimitiveRegistry registry = new PrimitiveRegistry("app");
        List<String> closed = new CopyOnWriteArrayList<>();
        PrimitiveRegistry.Entry pool = registry.reserve(Primitive.Kind.WORKER_POOL, "pool");
        pool.activate(new Dummy(pool) {
            @Override
            public void close() {
                closed.add(name());
                super.close();
            }
        });
        registry.register(new Failing("consumer", Primitive.Kind.STREAM_CONSUMER, new IllegalStateException("redis is down")));
        registry.register(new Failing("writer", Primitive.Kind.ASYNC_WRITER, new AssertionError("an Error")));
        IllegalStateException thrown = assertThrows(IllegalStateException.class, registry::closeAll);
        assertEquals("redis is down", thrown.getMessage());
        assertEquals(1, thrown.getSuppressed().length);
        assertEquals("an Error", thrown.getSuppressed()[0].getMessage());
        assertEquals(List.of("pool"), closed, "the pool was closed although the consumer's close failed first");
        assertEquals(List.of("writer", "consumer"), registry.primitives().stream().map(Primitive::name).toList());
    }

    @Test
    void aPrimitiveRegisteredWithoutAKindIsRefusedNamingTheField() {
        PrimitiveRegistry registry = new PrimitiveRegistry("app");
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> registry.register(new Failing("kindless", null, new IllegalStateException())));
        assertTrue(e.getMessage().contains("kind"), e.getMessage());
        assertEquals(List.of(), registry.primitives());
    }

    /** A primitive registered from outside whose close() throws. */
    private record Failing(String name, Kind kind, Throwable failure) implements Primitive {
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
            if (failure instanceof Error e) {
                throw e;
            }
            throw (RuntimeException) failure;
        }
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

    /**
     * A listener's Error (a NoClassDefFoundError from a bundle refreshed under it) is a listener's
     * failure like any other: the build and the close go on, and the listeners after it are told.
     */
    @Test
    void aListenerThrowingAnErrorFailsNeitherTheBuildNorTheCloseNorTheOtherListeners() {
        PrimitiveRegistry registry = new PrimitiveRegistry("app");
        registry.addListener(new PrimitiveRegistry.Listener() {
            @Override
            public void added(Primitive p, String owner) {
                throw new NoClassDefFoundError("refreshed/Listener");
            }

            @Override
            public void removed(Primitive p, String owner) {
                throw new AssertionError("boom");
            }
        });
        List<String> told = new CopyOnWriteArrayList<>();
        registry.addListener(new PrimitiveRegistry.Listener() {
            @Override
            public void added(Primitive p, String owner) {
                told.add("+" + p.name());
            }

            @Override
            public void removed(Primitive p, String owner) {
                told.add("-" + p.name());
            }
        });
        PrimitiveRegistry.Entry e = registry.reserve(Primitive.Kind.WORKER_POOL, "p");
        Dummy d = e.activate(new Dummy(e));
        assertEquals(List.of(d), registry.primitives());
        d.close();
        assertEquals(List.of(), registry.primitives());
        assertEquals(List.of("+p", "-p"), told);
    }
}
