package goflow.container;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A strict reader of the typed {@code .config} format (Felix ConfigurationHandler values such as
 * {@code name="demo"}, {@code workers=I"4"}, {@code stages=["a","b"]}) as FileInstall 3.7.4 reads
 * it, that reports every line FileInstall would read wrongly instead of reading it.
 *
 * <p>FileInstall 3.7.4 reads a {@code .cfg} and a {@code .config} file alike: Java-properties lines
 * (comments {@code #}/{@code !}, continuation with a trailing {@code \}), then, <em>only if every
 * value</em> matches {@code [type]"..."}, {@code [type][...]} or {@code [type]{...}}, it parses each
 * value with the shaded Felix {@code ConfigurationHandler}; if a single value does not match, it
 * silently reads the whole file as plain properties, every value a string (quotes included). The
 * handler itself is lenient too: it ignores text after a closing quote, a missing closing quote or
 * bracket, empty array elements and an unknown type code (dropping the value), reads
 * {@code B"yes"} as {@code false}, {@code C"ab"} as {@code 'a'}, and {@code D"100"} (no decimal
 * point) as the raw bits of a double (4.94E-322). This class accepts a file only when every
 * property is unambiguous, and then returns the values FileInstall will produce; otherwise it
 * lists the problems with their line numbers. {@code ${...}} substitutions are left as written
 * (FileInstall resolves them later). A file that starts with a UTF-8 byte order mark is refused
 * too: FileInstall reads the mark as part of the first property's name.
 *
 * <p>Configuration Admin's {@code org.apache.felix.cm.file.ConfigurationHandler.read} cannot be
 * the check: it is not what FileInstall reads with, and it is as lenient (in 1.9.26 a missing
 * closing quote is ignored because {@code ensureNext} builds its exception without throwing it, a
 * value of unknown type is dropped, and reading stops silently at the first line that does not
 * start with a name), so the very files this class exists for would pass it.
 *
 * <p>Stateless and thread-safe.
 */
final class TypedConfigFile {
    /** The type codes of the format: upper case for wrapper types, lower case for primitives. */
    static final String TYPES = "TILFDXSCBilfdxscb";
    /** A UTF-8 byte order mark as read in UTF-8 and in ISO-8859-1 (FileInstall's default encoding). */
    private static final List<String> BYTE_ORDER_MARKS = List.of("\uFEFF", "\u00EF\u00BB\u00BF");

    /**
     * What is wrong with a file, {@code .config} or {@code .cfg}, that starts with a byte order mark:
     * FileInstall reads both with one reader, which keeps the mark.
     */
    static final Problem BYTE_ORDER_MARK = new Problem(1, "the file starts with a byte order mark (BOM), which"
            + " FileInstall would read as part of the first name; save the file without a BOM");

    private TypedConfigFile() {
    }

    /**
     * One thing wrong with a file.
     *
     * @param line the 1-based line of the property (its first line when it is continued)
     * @param text what is wrong, starting with the property as written
     */
    record Problem(int line, String text) {
        @Override
        public String toString() {
            return "line " + line + ": " + text;
        }
    }

    /**
     * The outcome of reading a file.
     *
     * @param values the properties as FileInstall reads them (meaningful only without problems),
     *     in file order
     * @param problems what is wrong, in file order; empty when the file is valid
     */
    record Result(Map<String, Object> values, List<Problem> problems) {
        boolean valid() {
            return problems.isEmpty();
        }
    }

    /**
     * Reads a typed {@code .config} file's text.
     *
     * @param text the file's text
     * @return the values, or the problems
     */
    static Result read(String text) {
        List<Problem> problems = new ArrayList<>();
        String body = text;
        for (String bom : BYTE_ORDER_MARKS) {
            if (body.startsWith(bom)) {
                // FileInstall keeps it: the first name would be "\u00ef\u00bb\u00bfname" or "\ufeffname", silently
                problems.add(BYTE_ORDER_MARK);
                body = body.substring(bom.length());
                break;
            }
        }
        String[] lines = body.split("\r\n|\r|\n", -1);
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        int i = 0;
        while (i < lines.length) {
            String line = lines[i++];
            if (isComment(line)) {
                continue;
            }
            int start = i;
            StringBuilder logical = new StringBuilder();
            boolean open = true;
            int blankAfterBackslash = 0; // the first line whose \ is followed by blanks, or 0
            while (open) {
                String t = strip(line);
                if (continues(t)) {
                    if (!continues(line) && blankAfterBackslash == 0) {
                        blankAfterBackslash = i; // FileInstall continues only a line that ends with the \ itself
                    }
                    logical.append(t, 0, t.length() - 1);
                    line = null;
                    while (i < lines.length && isComment(lines[i])) {
                        i++; // FileInstall skips comment and blank lines inside a continued property
                    }
                    if (i == lines.length) {
                        break;
                    }
                    line = lines[i++];
                } else {
                    logical.append(t);
                    open = false;
                }
            }
            String[] kv = keyAndValue(logical.toString());
            String shown = (kv[0] == null ? kv[2] : kv[0]) + "=" + abbreviate(kv[1]);
            if (blankAfterBackslash > 0) {
                // read as continued (what was meant), so the lines after it are not reported as well
                problems.add(new Problem(start, shown + ": the \\ at the end of line " + blankAfterBackslash
                        + " is followed by blanks, so FileInstall would not continue the property on the next line"
                        + " (and would read the file wrongly); remove the blanks after the \\"));
                continue;
            }
            if (open) {
                problems.add(new Problem(start, shown + ": the property is continued with a trailing \\ but the file"
                        + " ends; FileInstall would drop it"));
                continue;
            }
            if (kv[0] == null) {
                problems.add(new Problem(start, shown + ": \\u in a name must be followed by 4 hexadecimal digits"
                        + " (FileInstall would drop it from the name)"));
                continue;
            }
            if (kv[0].isEmpty()) {
                problems.add(new Problem(start, shown + ": the property has no name"));
                continue;
            }
            Integer earlier = firstLine.putIfAbsent(kv[0], start);
            if (earlier != null) {
                problems.add(new Problem(start, shown + ": '" + kv[0] + "' is already set on line " + earlier
                        + "; only one of them would count"));
                continue;
            }
            try {
                values.put(kv[0], new ValueReader(kv[0], unescapeInterpolation(kv[1])).read());
            } catch (BadValue e) {
                problems.add(new Problem(start, shown + ": " + e.getMessage()));
            }
        }
        return new Result(values, List.copyOf(problems));
    }

    /** FileInstall's comment test: blank, or starting with {@code #} or {@code !} after blanks. */
    private static boolean isComment(String line) {
        String s = line.trim();
        return s.isEmpty() || s.charAt(0) == '#' || s.charAt(0) == '!';
    }

    /**
     * Whether a line ends with an odd number of backslashes. FileInstall continues a property on
     * the next line only when the line as written does, without blanks after the backslash.
     */
    private static boolean continues(String trimmed) {
        int n = 0;
        for (int k = trimmed.length() - 1; k >= 0 && trimmed.charAt(k) == '\\'; k--) {
            n++;
        }
        return n % 2 != 0;
    }

    /**
     * Splits a logical line as FileInstall's properties reader does: the key ends at the first
     * unescaped {@code =}, {@code :} or blank; the value is the rest after the separator, trimmed.
     * The key's escapes are resolved; the value is returned raw.
     *
     * @return the key (null if it has a malformed {@code \\u} escape), the value and the key as written
     */
    private static String[] keyAndValue(String line) {
        StringBuilder key = new StringBuilder();
        StringBuilder value = new StringBuilder();
        int state = 0; // 0 key, 1 after a backslash in the key, 2 between key and value, 3 value
        for (int k = 0; k < line.length(); k++) {
            char c = line.charAt(k);
            switch (state) {
                case 0:
                    if (c == '\\') {
                        state = 1;
                    } else if (c == ' ' || c == '\t' || c == '\f') {
                        state = 2;
                    } else if (c == '=' || c == ':') {
                        state = 3;
                    } else {
                        key.append(c);
                    }
                    break;
                case 1:
                    if ("=: \t\f".indexOf(c) < 0) {
                        key.append('\\');
                    }
                    key.append(c);
                    state = 0;
                    break;
                case 2:
                    if (c == '=' || c == ':') {
                        state = 3;
                    } else if (c != ' ' && c != '\t' && c != '\f') {
                        value.append(c);
                        state = 3;
                    }
                    break;
                default:
                    value.append(c);
            }
        }
        String raw = key.toString().trim();
        return new String[] {unescapeKey(raw), strip(value.toString()), raw};
    }

    /**
     * Java escapes in a key: {@code \t \n \r \f \b}, {@code \\uXXXX}, and any other escaped character
     * as itself; null for a {@code \\u} without 4 hexadecimal digits (FileInstall drops it silently).
     */
    private static String unescapeKey(String key) {
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < key.length(); k++) {
            char c = key.charAt(k);
            if (c != '\\' || k == key.length() - 1) {
                out.append(c);
                continue;
            }
            char e = key.charAt(++k);
            switch (e) {
                case 't' -> out.append('\t');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 'f' -> out.append('\f');
                case 'b' -> out.append('\b');
                case 'u' -> {
                    if (!isHex(key, k + 1, 4)) {
                        return null;
                    }
                    out.append((char) Integer.parseInt(key.substring(k + 1, k + 5), 16));
                    k += 4;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    /**
     * The unescaping FileInstall's variable substitution applies to every value before the
     * ConfigurationHandler reads it: a backslash before {@code \}, <code>{</code> or <code>}</code> is
     * dropped, scanning on from the kept character.
     */
    static String unescapeInterpolation(String value) {
        String val = value;
        int escape = val.indexOf('\\');
        while (escape >= 0 && escape < val.length() - 1) {
            char c = val.charAt(escape + 1);
            if (c == '{' || c == '}' || c == '\\') {
                val = val.substring(0, escape) + val.substring(escape + 1);
            }
            escape = val.indexOf('\\', escape + 1);
        }
        return val;
    }

    private static boolean isHex(String s, int from, int count) {
        if (from + count > s.length()) {
            return false;
        }
        for (int k = from; k < from + count; k++) {
            if (Character.digit(s.charAt(k), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether FileInstall takes {@code c} for a blank around a typed value: its test whether a
     * file is typed is the regular expression {@code \s*[type]?(...)\s*}, and {@code \s} is only
     * space, tab, line feed, vertical tab, form feed and carriage return. Any other character after
     * the value (a NUL, a DOS end-of-file Ctrl-Z, an ideographic space) makes it read the whole file
     * as plain properties.
     */
    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /** The text without the {@linkplain #isBlank blanks} at either end. */
    private static String strip(String text) {
        int from = 0;
        int to = text.length();
        while (from < to && isBlank(text.charAt(from))) {
            from++;
        }
        while (to > from && isBlank(text.charAt(to - 1))) {
            to--;
        }
        return text.substring(from, to);
    }

    /** The text cut to 60 characters, with control characters shown as {@code \\uXXXX}. */
    private static String abbreviate(String raw) {
        String cut = raw.length() <= 60 ? raw : raw.substring(0, 57) + "...";
        StringBuilder sb = new StringBuilder(cut.length());
        for (int k = 0; k < cut.length(); k++) {
            char c = cut.charAt(k);
            if (Character.isISOControl(c)) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A value FileInstall would read wrongly; the message says why and how to write it. */
    private static final class BadValue extends Exception {
        private static final long serialVersionUID = 1L;

        BadValue(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads one value strictly: {@code [type]"text"} or {@code [type][ "a", "b" ]}, nothing after it. */
    private static final class ValueReader {
        private final String key;
        private final String v;
        private int pos;

        ValueReader(String key, String value) {
            this.key = key;
            this.v = value;
        }

        Object read() throws BadValue {
            if (v.isEmpty()) {
                throw new BadValue("no value; an empty string is written " + key + "=\"\"");
            }
            char type = 'T';
            char first = v.charAt(0);
            if (v.length() > 1 && "\"[({".indexOf(v.charAt(1)) >= 0 && "\"[({".indexOf(first) < 0) {
                if (TYPES.indexOf(first) < 0) {
                    throw new BadValue("unknown type code '" + first + "' (use one of " + TYPES
                            + "; upper case for wrapper types, lower case for primitives)");
                }
                type = first;
                pos = 1;
            }
            char open = v.charAt(pos);
            Object value;
            if (open == '"') {
                pos++;
                value = convert(type, quoted());
            } else if (open == '[') {
                pos++;
                value = array(type);
            } else if (open == '(') {
                throw new BadValue("FileInstall 3.7.4 does not read (...) collections in a .config file (it would"
                        + " read every value of the file as a string); write an array [...] instead");
            } else if (open == '{') {
                throw new BadValue("{...} is the old ConfigAdmin value syntax, which FileInstall does not read;"
                        + " write the value in quotes");
            } else {
                throw new BadValue("a value in a .config file is typed and quoted, for example " + key + "="
                        + suggestion() + "; FileInstall would read this file as plain properties (every value a"
                        + " string, quotes included)");
            }
            while (pos < v.length() && isBlank(v.charAt(pos))) {
                pos++;
            }
            if (pos < v.length()) {
                throw new BadValue("unexpected text after the value: " + abbreviate(v.substring(pos))
                        + " (a comment goes on a line of its own, starting with #)");
            }
            return value;
        }

        /** What the unquoted value probably means, typed and quoted. */
        private String suggestion() {
            String s = v.strip();
            if (s.matches("[+-]?\\d{1,9}")) {
                return "I\"" + s + "\" (Integer) or \"" + s + "\" (String)";
            }
            if (s.matches("[+-]?\\d+")) {
                return "L\"" + s + "\" (Long) or \"" + s + "\" (String)";
            }
            if (s.matches("[+-]?\\d*\\.\\d+([eE][+-]?\\d+)?")) {
                return "D\"" + s + "\" (Double) or \"" + s + "\" (String)";
            }
            if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
                return "B\"" + s.toLowerCase(Locale.ROOT) + "\" (Boolean) or \"" + s + "\" (String)";
            }
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }

        /** The text of a quoted string, {@code pos} just after its opening quote; leaves pos after the closing one. */
        private String quoted() throws BadValue {
            StringBuilder sb = new StringBuilder();
            while (pos < v.length()) {
                char c = v.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos == v.length()) {
                    break;
                }
                char e = v.charAt(pos++);
                switch (e) {
                    case 'b' -> sb.append('\b');
                    case 't' -> sb.append('\t');
                    case 'n' -> sb.append('\n');
                    case 'f' -> sb.append('\f');
                    case 'r' -> sb.append('\r');
                    case 'u' -> {
                        if (!isHex(v, pos, 4)) {
                            throw new BadValue("\\u must be followed by 4 hexadecimal digits");
                        }
                        sb.append((char) Integer.parseInt(v.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> sb.append(e);
                }
            }
            throw new BadValue("the closing quote \" is missing (a \\\" inside a value is a quote, not its end)");
        }

        private Object array(char type) throws BadValue {
            List<Object> elements = new ArrayList<>();
            while (true) {
                skipBlanks();
                if (pos == v.length()) {
                    throw new BadValue("the closing ] is missing (continue a long array on the next line with a"
                            + " trailing \\)");
                }
                char c = v.charAt(pos++);
                if (c == ']') { // empty, or after a trailing comma as ConfigurationHandler writes arrays
                    return toArray(type, elements);
                }
                if (c != '"') {
                    throw new BadValue(c == ',' || c == ']' ? "an array element is missing before '" + c + "'"
                            : "array elements are quoted and separated by commas; found '" + c + "'");
                }
                elements.add(convert(type, quoted()));
                skipBlanks();
                if (pos == v.length()) {
                    throw new BadValue("the closing ] is missing");
                }
                c = v.charAt(pos++);
                if (c == ']') {
                    return toArray(type, elements);
                }
                if (c != ',') {
                    throw new BadValue("expected , or ] after array element " + elements.size() + ", found '" + c
                            + "'");
                }
                skipBlanks();
                if (pos < v.length() && v.charAt(pos) == ',') {
                    throw new BadValue("an array element is missing between two commas");
                }
            }
        }

        private void skipBlanks() {
            while (pos < v.length() && Character.isWhitespace(v.charAt(pos))) {
                pos++;
            }
        }

        private static Object toArray(char type, List<Object> elements) {
            Class<?> component = switch (type) {
                case 'I', 'i' -> Integer.class;
                case 'L', 'l' -> Long.class;
                case 'F', 'f' -> Float.class;
                case 'D', 'd' -> Double.class;
                case 'X', 'x' -> Byte.class;
                case 'S', 's' -> Short.class;
                case 'C', 'c' -> Character.class;
                case 'B', 'b' -> Boolean.class;
                default -> String.class;
            };
            Object array = Array.newInstance(component, elements.size());
            for (int k = 0; k < elements.size(); k++) {
                Array.set(array, k, elements.get(k));
            }
            return array;
        }

        /** Converts a quoted text as FileInstall's ConfigurationHandler does, refusing what it would misread. */
        private Object convert(char type, String text) throws BadValue {
            try {
                switch (type) {
                    case 'I', 'i':
                        return Integer.valueOf(text);
                    case 'L', 'l':
                        return Long.valueOf(text);
                    case 'X', 'x':
                        return Byte.valueOf(text);
                    case 'S', 's':
                        return Short.valueOf(text);
                    case 'F', 'f':
                        return text.indexOf('.') >= 0 ? Float.valueOf(text) : floatBits(text);
                    case 'D', 'd':
                        return text.indexOf('.') >= 0 ? Double.valueOf(text) : doubleBits(text);
                    case 'C', 'c':
                        if (text.length() != 1) {
                            throw new BadValue(type + "\"" + text + "\" is not one character");
                        }
                        return text.charAt(0);
                    case 'B', 'b':
                        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                            throw new BadValue(type + "\"" + text + "\" is not true or false (FileInstall would read"
                                    + " it as false)");
                        }
                        return Boolean.valueOf(text);
                    default:
                        return text;
                }
            } catch (NumberFormatException e) {
                throw new BadValue(type + "\"" + text + "\" is not " + typeName(type));
            }
        }

        private static Float floatBits(String text) throws BadValue {
            float f = Float.intBitsToFloat(Integer.parseInt(text));
            if (f != 0 && (Float.isNaN(f) || Float.isInfinite(f) || Math.abs(f) < Float.MIN_NORMAL)) {
                throw new BadValue("F\"" + text + "\" without a decimal point is read as the raw bits of a float ("
                        + f + "); write F\"" + text + ".0\" for the number " + text);
            }
            return f;
        }

        private static Double doubleBits(String text) throws BadValue {
            double d = Double.longBitsToDouble(Long.parseLong(text));
            if (d != 0 && (Double.isNaN(d) || Double.isInfinite(d) || Math.abs(d) < Double.MIN_NORMAL)) {
                throw new BadValue("D\"" + text + "\" without a decimal point is read as the raw bits of a double ("
                        + d + "); write D\"" + text + ".0\" for the number " + text);
            }
            return d;
        }

        private static String typeName(char type) {
            return switch (type) {
                case 'I', 'i' -> "an Integer (a whole number from -2147483648 to 2147483647)";
                case 'L', 'l' -> "a Long (a whole number from -9223372036854775808 to 9223372036854775807)";
                case 'X', 'x' -> "a Byte (a whole number from -128 to 127)";
                case 'S', 's' -> "a Short (a whole number from -32768 to 32767)";
                case 'F', 'f' -> "a Float (a number with a decimal point, such as 1.5)";
                default -> "a Double (a number with a decimal point, such as 1.5)";
            };
        }
    }
}
