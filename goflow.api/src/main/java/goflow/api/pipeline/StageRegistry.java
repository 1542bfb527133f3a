package goflow.api.pipeline;

import java.util.Optional;
import java.util.SortedSet;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.Registration;

/**
 * Stages known by name, from which pipelines are composed by configuration or at run time
 * ({@link PipelineStart#stages(String...)}). {@code GoFlow.stages()} returns the registry of a
 * {@code GoFlow} instance; in OSGi it is filled from {@link Stage} services carrying
 * {@link Stage#NAME_PROPERTY}.
 *
 * <p>Thread-safe: stages may be registered and unregistered while pipelines are being built.
 * A pipeline resolves its stages by name when it is built; unregistering a stage later does not
 * change pipelines already built, unless they use a late-bound {@link #reference(String)}.
 */
@ProviderType
public interface StageRegistry {

    /**
     * Registers a stage under its {@link Stage#name()}.
     *
     * @param stage the stage
     * @return a registration whose {@code close()} removes exactly this stage (idempotent)
     * @throws goflow.api.InvalidConfigException if the name is invalid or already registered
     */
    Registration register(Stage<?, ?> stage);

    /**
     * Looks a stage up by name.
     *
     * @param name the stage's name
     * @return the stage, or empty
     */
    Optional<Stage<?, ?>> find(String name);

    /**
     * Looks a stage up by name, failing with a clear error when it is missing.
     *
     * @param name the stage's name
     * @return the stage
     * @throws StageNotFoundException naming the stage and the registered ones
     * @throws goflow.api.InvalidConfigException if {@code name} is null
     */
    Stage<?, ?> get(String name);

    /**
     * Returns a stage that looks {@code name} up in this registry on every call, for pipelines
     * that must follow stages registered, replaced or unregistered at run time (plugins being
     * installed or updated): {@code builder.stage(registry.reference("enrich"))}. While no stage
     * is registered under the name, each call fails at once with a
     * {@link StageNotFoundException}, which becomes that stage's error; nothing waits. The
     * reference itself cannot be registered into this registry (under its own name it would call
     * itself): {@link #register} refuses it with an {@link goflow.api.InvalidConfigException}.
     *
     * @param name the stage's name
     * @return a late-bound stage named {@code name}
     * @throws goflow.api.InvalidConfigException if the name is invalid
     */
    Stage<Object, Object> reference(String name);

    /**
     * Returns the names of the registered stages.
     *
     * @return an unmodifiable sorted snapshot
     */
    SortedSet<String> names();
}
