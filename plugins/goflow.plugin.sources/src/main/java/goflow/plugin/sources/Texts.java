package goflow.plugin.sources;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Reads configured texts from the raw configuration properties. Stateless, so thread-safe. */
final class Texts {
    private Texts() {
    }

    /**
     * Returns a configured text, refusing a list of other than one value where one text is
     * expected: DS would take the first value of the list ({@code path=["a.txt","b.txt"]} in a
     * {@code .config} file reads {@code a.txt} only) and null for an empty one, without a word. A
     * list of one is that value. Property names are matched without regard to case, as
     * Configuration Admin does.
     *
     * @param source the source's name, for errors
     * @param property the configuration property
     * @param converted the text as DS converted it
     * @param properties the raw configuration properties
     * @return {@code converted}
     * @throws IllegalArgumentException naming the source, the property, the value and the rule when
     *     the raw value is an array or a collection of other than one value
     */
    static String single(String source, String property, String converted, Map<String, ?> properties) {
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            if (!e.getKey().equalsIgnoreCase(property)) {
                continue;
            }
            List<Object> values = new ArrayList<>();
            if (e.getValue() instanceof Collection<?> c) {
                values.addAll(c);
            } else if (e.getValue() != null && e.getValue().getClass().isArray()) {
                for (int i = 0; i < Array.getLength(e.getValue()); i++) {
                    values.add(Array.get(e.getValue(), i));
                }
            } else {
                continue;
            }
            if (values.size() != 1) {
                throw new IllegalArgumentException("source '" + source + "': " + property + " " + values
                        + " must be one text, not a list of " + values.size());
            }
        }
        return converted;
    }
}
