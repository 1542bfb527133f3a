package goflow.plugin.codec;

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
}
