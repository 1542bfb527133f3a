package goflow.shell;

import java.util.Collection;
import java.util.Iterator;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The "not found" messages of the shell: the name asked for, what it is when it exists but is of
 * another kind, and the names that do exist (sorted, at most {@value #SHOWN} of them, so that a
 * registry with thousands of primitives still gives a one-line message).
 *
 * <p>Stateless and thread-safe.
 */
final class Names {
    /** How many known names a message lists at most. */
    static final int SHOWN = 20;

    private Names() {
    }

    /**
     * Formats {@code no <what> named '<name>'[ (it is a/an <kind>)]; known: a, b, ...}.
     *
     * @param what the kind of thing asked for, e.g. {@code limiter}
     * @param name the name asked for
     * @param actualKind the label of what has that name when it is of another kind, or empty
     * @param known the names of the things of the asked kind
     * @return the message, without a line end
     */
    static String notFound(String what, String name, Optional<String> actualKind, Collection<String> known) {
        StringBuilder sb = new StringBuilder("no ").append(what).append(" named '").append(name).append('\'');
        actualKind.ifPresent(k -> sb.append(" (it is ").append(article(k)).append(' ').append(k).append(')'));
        return sb.append("; known: ").append(list(known)).toString();
    }

    /** "an" before a kind label starting with a vowel letter (every label is English), else "a". */
    static String article(String kind) {
        return !kind.isEmpty() && "aeiou".indexOf(Character.toLowerCase(kind.charAt(0))) >= 0 ? "an" : "a";
    }

    /**
     * Lists names sorted and without duplicates, the first {@value #SHOWN} of them and how many
     * more there are; {@code none} when there are none.
     *
     * @param names the names
     * @return the list
     */
    static String list(Collection<String> names) {
        TreeSet<String> sorted = new TreeSet<>(names);
        if (sorted.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        Iterator<String> it = sorted.iterator();
        for (int i = 0; i < SHOWN && it.hasNext(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(it.next());
        }
        if (sorted.size() > SHOWN) {
            sb.append(", ... (").append(sorted.size() - SHOWN).append(" more)");
        }
        return sb.toString();
    }
}
