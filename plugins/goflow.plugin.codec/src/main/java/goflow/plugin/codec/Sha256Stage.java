package goflow.plugin.codec;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.osgi.service.component.annotations.Component;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage: the SHA-256 digest of a text's UTF-8 bytes, as 64 lower-case hex digits;
 * a text with a lone surrogate (which has no UTF-8 form) fails the item.
 *
 * <p>Stateless, so thread-safe.
 */
@Component(service = Stage.class, property = Stage.NAME_PROPERTY + "=" + Sha256Stage.NAME)
public final class Sha256Stage implements Stage<Object, String> {
    /** The stage's name: {@value}. */
    public static final String NAME = "sha256";

    /** Creates the stage. */
    public Sha256Stage() {
        // stateless
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String process(Context ctx, Object input) throws NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        return HexFormat.of().formatHex(md.digest(Texts.utf8(NAME, input)));
    }
}
