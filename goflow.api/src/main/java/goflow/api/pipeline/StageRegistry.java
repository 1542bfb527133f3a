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
 * A pipeline resolves its stages when it is built; unregistering a stage later does not change
 * pipelines already built.
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
     */
    Stage<?, ?> get(String name);

    /**
     * Returns the names of the registered stages.
     *
     * @return an unmodifiable sorted snapshot
     */
    SortedSet<String> names();
}
