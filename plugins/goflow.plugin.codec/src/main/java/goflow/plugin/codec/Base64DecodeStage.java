package goflow.plugin.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.osgi.service.component.annotations.Component;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage: decodes Base64 into a UTF-8 text; invalid Base64, or bytes that are
 * not UTF-8, fail the item.
 *
 * <p>Stateless, so thread-safe.
 */
@Component(service = Stage.class, property = Stage.NAME_PROPERTY + "=" + Base64DecodeStage.NAME)
public final class Base64DecodeStage implements Stage<Object, String> {
    /** The stage's name: {@value}. */
    public static final String NAME = "base64-decode";

    /** Creates the stage. */
    public Base64DecodeStage() {
        // stateless
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String process(Context ctx, Object input) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(Texts.text(NAME, input).strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stage '" + NAME + "': not Base64: " + e.getMessage(), e);
        }
        try {
            // a new decoder reports malformed input, where new String(...) would replace it with U+FFFD
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("stage '" + NAME + "': the decoded " + bytes.length
                    + " bytes are not UTF-8 text", e);
        }
    }
}
