package goflow.plugin.text;

import java.util.Locale;

import org.osgi.service.component.annotations.Component;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage: turns text into upper case (root locale), of a text or of each text of a list.
 *
 * <p>Stateless, so thread-safe.
 */
@Component(service = Stage.class, property = Stage.NAME_PROPERTY + "=" + UpperStage.NAME)
public final class UpperStage implements Stage<Object, Object> {
    /** The stage's name: {@value}. */
    public static final String NAME = "upper";

    /** Creates the stage. */
    public UpperStage() {
        // stateless
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Object process(Context ctx, Object input) {
        return Texts.map(NAME, input, s -> s.toUpperCase(Locale.ROOT));
    }
}
