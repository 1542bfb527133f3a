package goflow.plugin.codec;

import java.nio.charset.StandardCharsets;

/** Input checks shared by the codec stages. Stateless, so thread-safe. */
final class Texts {
    private Texts() {
    }

    /**
     * Returns the input as a text.
     *
     * @param stage the stage's name, for errors
     * @param input the input
     * @return the text
     * @throws IllegalArgumentException naming the stage and the type when the input is not text
     */
    static String text(String stage, Object input) {
        if (input instanceof CharSequence cs) {
            return cs.toString();
        }
        throw new IllegalArgumentException("stage '" + stage + "' expects a text, got "
                + (input == null ? "null" : input.getClass().getName()));
    }

    /**
     * Returns the UTF-8 bytes of the input text. Unlike {@link String#getBytes}, which silently
     * encodes a lone surrogate as {@code ?}, it refuses a text that has one.
     *
     * @param stage the stage's name, for errors
     * @param input the input
     * @return the bytes
     * @throws IllegalArgumentException naming the stage and the type when the input is not text, or
     *     the surrogate and its index when the text has a lone surrogate
     */
    static byte[] utf8(String stage, Object input) {
        String s = text(stage, input);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(String.format("stage '%s': the text has a lone surrogate U+%04X "
                        + "at index %d, which UTF-8 cannot encode", stage, (int) c, i));
            }
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
