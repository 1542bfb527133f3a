package goflow.plugin.codec;

import java.util.Base64;

import org.osgi.service.component.annotations.Component;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage: encodes a text's UTF-8 bytes in Base64; a text with a lone surrogate
 * (which has no UTF-8 form) fails the item.
 *
 * <p>Stateless, so thread-safe.
 */
@Component(service = Stage.class, property = Stage.NAME_PROPERTY + "=" + Base64EncodeStage.NAME)
public final class Base64EncodeStage implements Stage<Object, String> {
    /** The stage's name: {@value}. */
    public static final String NAME = "base64-encode";

    /** Creates the stage. */
    public Base64EncodeStage() {
        // stateless
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String process(Context ctx, Object input) {
        return Base64.getEncoder().encodeToString(Texts.utf8(NAME, input));
    }
}
