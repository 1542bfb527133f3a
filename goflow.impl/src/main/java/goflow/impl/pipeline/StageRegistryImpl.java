package goflow.impl.pipeline;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import goflow.api.InvalidConfigException;
import goflow.api.Registration;
import goflow.api.context.Context;
import goflow.api.pipeline.Stage;
import goflow.api.pipeline.StageNotFoundException;
import goflow.api.pipeline.StageRegistry;
import goflow.impl.internal.Check;

/**
 * The in-memory {@link StageRegistry} of one {@code GoFlow}. Thread-safe: a concurrent map from
 * name to stage; a registration removes its own stage only ({@code remove(name, stage)}), and only
 * on its first close (a one-shot flag), so that closing it again after the same stage was
 * registered anew does not remove the new registration; {@link Handle#handOver} swaps its stage
 * for the next with {@code replace(name, stage, next)}, so the name is never missing meanwhile.
 */
public final class StageRegistryImpl implements StageRegistry {
    private static final String COMPONENT = "stage-registry";

    private final Map<String, Stage<?, ?>> stages = new ConcurrentHashMap<>();

    /** Creates an empty registry. */
    public StageRegistryImpl() {
    }

    @Override
    public Handle register(Stage<?, ?> stage) {
        String name = checked(stage);
        if (stages.putIfAbsent(name, stage) != null) {
            throw new InvalidConfigException(COMPONENT, "stage", name, "is already registered",
                    "unregister the other stage first, or choose another name");
        }
        return new Handle(name, stage);
    }

    /** Checks a stage to register and returns its name. */
    private String checked(Stage<?, ?> stage) {
        Check.notNull(COMPONENT, "stage", stage);
        String name = Check.name(COMPONENT, stage.name());
        if (stage instanceof Reference r && r.into(this)) {
            // its name is its target's: registered here, each call would look itself up and recurse
            throw new InvalidConfigException(COMPONENT, "stage", name, "is this registry's reference to '" + name
                    + "', which registered under that same name would call itself until the stack overflows",
                    "register the stage itself, and use the reference in pipelines");
        }
        return name;
    }

    /**
     * The registration of one stage. Thread-safe: closing it is a one-shot flag, and removing or
     * replacing its stage is one atomic step of the map that checks the stage is still its own.
     */
    public final class Handle implements Registration {
        private final String name;
        private final Stage<?, ?> stage;
        private final AtomicBoolean open = new AtomicBoolean(true);

        Handle(String name, Stage<?, ?> stage) {
            this.name = name;
            this.stage = stage;
        }

        /**
         * Closes this registration and registers {@code next}, of the same name, in one step: a
         * lookup of the name meanwhile finds this stage or {@code next}, never none (a plugin
         * taking over from another of its name, while pipelines look the name up). If this
         * registration no longer holds the name (closed already), registers {@code next} as
         * {@link #register} does.
         *
         * @param next the stage that takes over
         * @return the registration of {@code next}
         * @throws InvalidConfigException if {@code next} is invalid, has another name, or (this
         *     registration closed) its name is taken
         */
        public Handle handOver(Stage<?, ?> next) {
            String nextName = checked(next);
            if (!nextName.equals(name)) {
                throw new InvalidConfigException(COMPONENT, "stage", nextName, "must be named '" + name
                        + "' to take over from the stage registered under that name",
                        "register it under its own name instead");
            }
            if (open.compareAndSet(true, false) && stages.replace(name, stage, next)) {
                return new Handle(name, next);
            }
            return register(next);
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                stages.remove(name, stage);
            }
        }
    }

    @Override
    public Optional<Stage<?, ?>> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(stages.get(name));
    }

    @Override
    public Stage<?, ?> get(String name) {
        Check.notNull(COMPONENT, "name", name);
        Stage<?, ?> s = stages.get(name);
        if (s == null) {
            throw new StageNotFoundException(COMPONENT, name, names());
        }
        return s;
    }

    @Override
    public Stage<Object, Object> reference(String name) {
        return new Reference(Check.name(COMPONENT, name));
    }

    /** A late-bound stage of this registry: looks its name up at every call. Immutable. */
    private final class Reference implements Stage<Object, Object> {
        private final String target;

        Reference(String target) {
            this.target = target;
        }

        @Override
        public String name() {
            return target;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object process(Context ctx, Object input) throws Exception {
            Stage<Object, Object> current = (Stage<Object, Object>) stages.get(target);
            if (current == null) {
                throw new StageNotFoundException(COMPONENT, target, names());
            }
            return current.process(ctx, input);
        }

        /** Whether this is a reference into {@code registry}. */
        boolean into(StageRegistryImpl registry) {
            return StageRegistryImpl.this == registry;
        }

        @Override
        public String toString() {
            return "StageReference[" + target + "]";
        }
    }

    @Override
    public SortedSet<String> names() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(stages.keySet()));
    }

    @Override
    public String toString() {
        return "StageRegistry" + names();
    }
}
