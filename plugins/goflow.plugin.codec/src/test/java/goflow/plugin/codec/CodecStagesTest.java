package goflow.plugin.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import goflow.api.context.Context;

class CodecStagesTest {
    private static final Context CTX = Context.background();

    @Test
    void base64RoundTripsUtf8() throws Exception {
        String encoded = new Base64EncodeStage().process(CTX, "grüße");
        assertEquals("Z3LDvMOfZQ==", encoded);
        assertEquals("grüße", new Base64DecodeStage().process(CTX, encoded + "\n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Base64DecodeStage().process(CTX, "*"));
        assertTrue(e.getMessage().startsWith("stage 'base64-decode': not Base64"), e.getMessage());
    }

    @Test
    void base64OfBytesThatAreNotUtf8FailsTheItemInsteadOfDecodingToReplacementCharacters() {
        String binary = java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', (byte) 0xFF});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Base64DecodeStage().process(CTX, binary));
        assertEquals("stage 'base64-decode': the decoded 5 bytes are not UTF-8 text", e.getMessage());
    }

    /**
     * A lone surrogate has no UTF-8 form: {@code String.getBytes} would silently encode it as
     * {@code ?}, so that the Base64 no longer decodes to the input and two different texts have
     * the same digest.
     */
    @Test
    void aTextWithALoneSurrogateFailsTheItemInsteadOfBeingEncodedAsAQuestionMark() throws Exception {
        Map<String, String> lone = Map.of( // the text, and where its lone surrogate is
                "a\uD800", "U+D800 at index 1",
                "\uDC00b", "U+DC00 at index 0",
                "x\uD800\uD800\uDC00", "U+D800 at index 1");
        for (Map.Entry<String, String> t : lone.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Base64EncodeStage().process(CTX, t.getKey()), t.getValue());
            assertEquals("stage 'base64-encode': the text has a lone surrogate " + t.getValue()
                    + ", which UTF-8 cannot encode", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new Sha256Stage().process(CTX, t.getKey()));
            assertEquals("stage 'sha256': the text has a lone surrogate " + t.getValue()
                    + ", which UTF-8 cannot encode", e.getMessage());
        }
        String pair = "a\uD83D\uDE00"; // a surrogate pair is one code point, U+1F600
        assertEquals(pair, new Base64DecodeStage().process(CTX, new Base64EncodeStage().process(CTX, pair)));
        assertEquals(64, new Sha256Stage().process(CTX, pair).length());
    }

    @Test
    void sha256IsTheHexDigest() throws Exception {
        assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
                new Sha256Stage().process(CTX, "hello"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Sha256Stage().process(CTX, 1));
        assertEquals("stage 'sha256' expects a text, got java.lang.Integer", e.getMessage());
    }

    @Test
    void lengthCountsCharactersElementsOrEntries() throws Exception {
        LengthStage length = new LengthStage();
        assertEquals(5, length.process(CTX, "hello"));
        assertEquals(2, length.process(CTX, List.of("a", "b")));
        assertEquals(1, length.process(CTX, Map.of("k", "v")));
        assertEquals("length", length.name());
    }

    @Test
    void lengthCountsASupplementaryCharacterOnceAndALoneSurrogateAsOne() throws Exception {
        LengthStage length = new LengthStage();
        // U+1F600 is one character in two UTF-16 units; "e" + a combining accent is two code points
        assertEquals(3, length.process(CTX, "a\uD83D\uDE00b"));
        assertEquals(2, length.process(CTX, "e\u0301"));
        assertEquals(1, length.process(CTX, "\uD83D"));
    }
}
