package goflow.plugin.codec;

import org.osgi.service.component.annotations.Component;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage: the number of characters of a text (Unicode code points, so an emoji written as a
 * surrogate pair counts once and a lone surrogate counts as one), or of elements of a list or entries of a map.
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
        String text = Texts.text(NAME, input);
        return text.codePointCount(0, text.length());
    }
}
