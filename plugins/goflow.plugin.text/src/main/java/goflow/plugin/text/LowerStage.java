package goflow.plugin.text;

import java.util.Locale;

import org.osgi.service.component.annotations.Component;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage: turns text into lower case (root locale), of a text or of each text of a list.
 *
 * <p>Stateless, so thread-safe.
 */
@Component(service = Stage.class, property = Stage.NAME_PROPERTY + "=" + LowerStage.NAME)
public final class LowerStage implements Stage<Object, Object> {
    /** The stage's name: {@value}. */
    public static final String NAME = "lower";

    /** Creates the stage. */
    public LowerStage() {
        // stateless
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Object process(Context ctx, Object input) {
        return Texts.map(NAME, input, s -> s.toLowerCase(Locale.ROOT));
    }
}
