package goflow.api.pipeline;

import java.io.Serial;
import java.util.Collection;

import goflow.api.InvalidConfigException;

/**
 * A pipeline names a stage that no {@link StageRegistry} knows: nothing is built. The message
 * names the missing stage and lists the registered ones.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class StageNotFoundException extends InvalidConfigException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String stageName;

    /**
     * Creates the exception.
     *
     * @param component the pipeline being built (its name or kind)
     * @param stageName the stage that was not found
     * @param registered the names that are registered, for the message
     */
    public StageNotFoundException(String component, String stageName, Collection<String> registered) {
        super(component, "stage", stageName, "no stage is registered under this name",
                "register a Stage under that name (in OSGi: a Stage service with "
                        + Stage.NAME_PROPERTY + "=" + stageName + "); registered stages: " + registered);
        this.stageName = stageName;
    }

    /**
     * Returns the name that was not found.
     *
     * @return the stage name
     */
    public String stageName() {
        return stageName;
    }
}
