package goflow.plugin.codec;

import org.osgi.service.component.annotations.Component;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage: the number of characters of a text, or of elements of a list or entries of a map.
 *
 * <p>Stateless, so thread-safe.
 */
@Component(service = Stage.class, property = Stage.NAME_PROPERTY + "=" + LengthStage.NAME)
public final class LengthStage implements Stage<Object, Integer> {
    /** The stage's name: {@value}. */
    public static final String NAME = "length";

    /** Creates the stage. */
    public LengthStage() {
        // stateless
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Integer process(Context ctx, Object input) {
        if (input instanceof java.util.Collection<?> c) {
            return c.size();
        }
        if (input instanceof java.util.Map<?, ?> m) {
            return m.size();
        }
        return Texts.text(NAME, input).length();
    }
}
