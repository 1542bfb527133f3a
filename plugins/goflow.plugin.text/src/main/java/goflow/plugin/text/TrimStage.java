package goflow.plugin.text;

import org.osgi.service.component.annotations.Component;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage: removes leading and trailing white space, of a text or of each text of a list.
 *
 * <p>Stateless, so thread-safe.
 */
@Component(service = Stage.class, property = Stage.NAME_PROPERTY + "=" + TrimStage.NAME)
public final class TrimStage implements Stage<Object, Object> {
    /** The stage's name: {@value}. */
    public static final String NAME = "trim";

    /** Creates the stage. */
    public TrimStage() {
        // stateless
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Object process(Context ctx, Object input) {
        return Texts.map(NAME, input, s -> s.strip());
    }
}
