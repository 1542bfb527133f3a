package goflow.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.felix.fileinstall.shaded.util.properties.TypedProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TypedConfigFileTest {

    private static List<String> problems(String file) {
        return TypedConfigFile.read(file).problems().stream().map(TypedConfigFile.Problem::toString).toList();
    }

    /**
     * What FileInstall 3.7.4 itself makes of a file (its shaded reader, as ConfigInstaller calls it):
     * the values, or the exception it fails with. A value read as a string with its quotes still on
     * shows the silent fallback to plain properties.
     */
    private static Object fileInstall(String file) {
        try {
            TypedProperties p = new TypedProperties();
            p.load(new StringReader(file));
            Map<String, Object> values = new LinkedHashMap<>();
            for (String k : p.keySet()) {
                values.put(k, p.get(k));
            }
            return values;
        } catch (RuntimeException | java.io.IOException e) {
            return e;
        }
    }

    private static String show(Object v) {
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, x) -> parts.add(k + "=" + show(x)));
            return parts.toString();
        }
        if (v != null && v.getClass().isArray()) {
            return v.getClass().getComponentType().getSimpleName() + Arrays.deepToString((Object[]) v);
        }
        return v == null ? "null" : v.getClass().getSimpleName() + ":" + v;
    }

    @Test
    void theDefaultConfigurationFilesAreValid() throws Exception {
        for (String name : DeployFolder.DEFAULTS) {
            if (name.endsWith(".config")) {
                try (InputStream in = getClass().getClassLoader().getResourceAsStream("defaults/" + name)) {
                    String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertEquals(List.of(), problems(text), name);
                }
            }
        }
    }

    @Test
    void validFilesGiveTheValuesFileInstallGives() {
        String[] files = {
            "# a comment\n! another\n\nname=\"demo\"\nworkers=I\"4\"\n",
            "stages=[\"trim\",\"parse-kv\"]\ntimeout=\"PT1S\"\n",
            "a = \"x y\"\nb: \"a=b\"\nc \"spaced\"\n",
            "list=[ \\\n  \"a\", \\\n  \"b\", \\\n  ]\n",
            "empty=[]\nints=I[\"1\", \"2\"]\nnone=\"\"\n",
            "l=L\"9223372036854775807\"\nx=X\"-128\"\ns=S\"32767\"\n",
            "f=F\"1.5\"\nd=D\"-2.25e3\"\nbits=D\"4609434218613702656\"\nzero=D\"0\"\n",
            "c=C\"q\"\nt=B\"true\"\nf=b\"FALSE\"\nstr=T\"typed\"\n",
            "esc=\"a\\\"b\\tc\\u00e9\"\nback=\"a\\\\\\\\b\"\n",
            "key\\ with\\ space=\"v\"\ndotted.key-name_1=\"v\"\n",
            "crlf=\"a\"\r\nnext=I\"2\"\r\n",
        };
        for (String file : files) {
            TypedConfigFile.Result ours = TypedConfigFile.read(file);
            assertTrue(ours.valid(), file + ": " + ours.problems());
            assertEquals(show(fileInstall(file)), show(ours.values()), file);
        }
    }

    /**
     * Files FileInstall 3.7.4 reads wrongly without a word (the whole file as plain strings, a value
     * dropped, cut or changed) or fails on with an unclear exception, with what it makes of each
     * (checked here against FileInstall's own reader, so the list documents its real behaviour);
     * each is refused here, on its line.
     */
    static Stream<Arguments> malformed() {
        return Stream.of(
            Arguments.of("name=\"odd\"\ncapacity=3\n", "[name=String:\"odd\", capacity=String:3]"),
            Arguments.of("name=\"odd\"\nstages=[\"a\",\"b\"\n", "[name=String:\"odd\", stages=String:[\"a\",\"b\"]"),
            Arguments.of("name=\"odd\"\ntext=\"unterminated\n", "[name=String:\"odd\", text=String:\"unterminated]"),
            Arguments.of("name=\"odd\"\nlist=(\"a\",\"b\")\n", "[name=String:\"odd\", list=String:(\"a\",\"b\")]"),
            Arguments.of("name=\"odd\"\nv=\"a\" \"b\"\n", "[name=String:odd, v=String:a]"),
            Arguments.of("name=\"odd\"\nv=\"a\" # comment\n", "[name=String:\"odd\", v=String:\"a\" # comment]"),
            Arguments.of("name=\"odd\"\nv=Q\"a\"\n", "[name=String:\"odd\", v=String:Q\"a\"]"),
            Arguments.of("name=\"odd\"\nv=B\"yes\"\n", "[name=String:odd, v=Boolean:false]"),
            Arguments.of("name=\"odd\"\nv=C\"ab\"\n", "[name=String:odd, v=Character:a]"),
            Arguments.of("name=\"odd\"\nv=C\"\"\n", "[name=String:odd, v=null]"),
            Arguments.of("name=\"odd\"\nv={abc}\n", "[name=String:odd, v=null]"),
            Arguments.of("name=\"odd\"\nv=[\"a\" \"b\"]\n", "[name=String:odd, v=null]"),
            Arguments.of("name=\"odd\"\nv=[\"a\",,\"b\"]\n", "[name=String:odd, v=String[a, b]]"),
            Arguments.of("name=\"odd\"\nv=D\"100\"\n", "[name=String:odd, v=Double:4.94E-322]"),
            Arguments.of("name=\"odd\"\nv=F\"1\"\n", "[name=String:odd, v=Float:1.4E-45]"),
            Arguments.of("name=\"odd\"\nv=I\"abc\"\n",
                    "NumberFormatException:java.lang.NumberFormatException: For input string: \"abc\""),
            Arguments.of("name=\"odd\"\nv=X\"300\"\n",
                    "NumberFormatException:java.lang.NumberFormatException: Value out of range. Value:\"300\" Radix:10"),
            Arguments.of("name=\"odd\"\nv=D\"1e3\"\n",
                    "NumberFormatException:java.lang.NumberFormatException: For input string: \"1e3\""),
            Arguments.of("name=\"odd\"\nv=\"a\\u00\"\n", "[name=String:odd, v=String:a]"),
            Arguments.of("name=\"odd\"\nv=\n", "[name=String:\"odd\", v=String:]"),
            Arguments.of("name=\"odd\"\nv=I \"4\"\n", "[name=String:\"odd\", v=String:I \"4\"]"),
            Arguments.of("name=\"odd\"\nv=[\"a\"]junk\n", "[name=String:\"odd\", v=String:[\"a\"]junk]"),
            Arguments.of("name=\"odd\"\nv=\"a\\\\\"\n", "[name=String:odd, v=String:a\"]"),
            Arguments.of("name=\"odd\"\nv=\"a\"\\\n", "[name=String:odd]"),
            Arguments.of("name=\"odd\"\nname=\"again\"\n", "[name=String:again]"),
            Arguments.of("name=\"odd\"\nlist=[ \\ \n  \"a\"]\n",
                    "[name=String:\"odd\", list=String:[  , \"a\"]=String:]"),
            Arguments.of("name=\"odd\"\nlist=[ \\\n  \"a\", \\\t\n  \"b\"]\n",
                    "[name=String:\"odd\", list=String:[ \"a\", \t, \"b\"]=String:]"),
            Arguments.of("name=\"odd\"\nv=\"a\"\u001a\n", "[name=String:\"odd\", v=String:\"a\"\u001a]"),
            Arguments.of("name=\"odd\"\nv=\"a\"\u0000\n", "[name=String:\"odd\", v=String:\"a\"\u0000]"),
            Arguments.of("name=\"odd\"\nv=[\"a\"]\u3000\n", "[name=String:\"odd\", v=String:[\"a\"]\u3000]"),
            Arguments.of("name=\"odd\"\nk\\u00e=\"v\"\n", "[name=String:odd, k=String:v]"),
            Arguments.of("name=\"odd\"\nk\\u=\"v\"\n", "[name=String:odd, k=String:v]"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedFilesAreRefusedOnTheirLine(String file, String whatFileInstallMakesOfIt) {
        assertEquals(whatFileInstallMakesOfIt, show(fileInstall(file)), "FileInstall 3.7.4 on " + file);
        List<String> found = problems(file);
        assertEquals(1, found.size(), file + ": " + found);
        assertTrue(found.get(0).startsWith("line 2: "), found.get(0));
    }

    @Test
    void theMessagesSayWhatIsWrongAndHowToWriteIt() {
        assertEquals(List.of("line 3: capacity=3: a value in a .config file is typed and quoted, for example"
                + " capacity=I\"3\" (Integer) or \"3\" (String); FileInstall would read this file as plain properties"
                + " (every value a string, quotes included)"), problems("# odd\nname=\"odd\"\ncapacity=3\n"));
        assertEquals(List.of("line 1: stages=[\"a\",\"b\": the closing ] is missing"), problems("stages=[\"a\",\"b\"\n"));
        assertEquals(List.of("line 1: v=D\"100\": D\"100\" without a decimal point is read as the raw bits of a double"
                + " (4.94E-322); write D\"100.0\" for the number 100"), problems("v=D\"100\"\n"));
        assertEquals(List.of("line 1: v=I\"abc\": I\"abc\" is not an Integer (a whole number from -2147483648 to"
                + " 2147483647)"), problems("v=I\"abc\"\n"));
        assertEquals(List.of("line 1: v=\"a\"\\u001a: unexpected text after the value: \\u001a (a comment goes on a line"
                + " of its own, starting with #)"), problems("v=\"a\"\u001a\n"));
        assertEquals(List.of("line 1: k\\u00e=\"v\": \\u in a name must be followed by 4 hexadecimal digits (FileInstall"
                + " would drop it from the name)"), problems("k\\u00e=\"v\"\n"));
        assertEquals(List.of("line 2: a=\"y\": 'a' is already set on line 1; only one of them would count"),
                problems("a=\"x\"\na=\"y\"\n"));
        List<String> several = problems("a=1\nb=\"ok\"\nc=[\"x\"\nd=B\"no\"\n");
        assertEquals(3, several.size(), several.toString());
        assertTrue(several.get(0).startsWith("line 1: a=1: ") && several.get(1).startsWith("line 3: c=[\"x\": ")
                && several.get(2).startsWith("line 4: d=B\"no\": "), several.toString());
    }

    @Test
    void aBackslashFollowedByBlanksIsReportedAsNotContinuingTheProperty() {
        assertEquals(List.of("line 1: list=[ \"a\", \"b\"]: the \\ at the end of line 2 is followed by blanks, so"
                + " FileInstall would not continue the property on the next line (and would read the file wrongly);"
                + " remove the blanks after the \\"), problems("list=[ \\\n  \"a\", \\ \n  \"b\"]\nok=\"1\"\n"));
    }

    @Test
    void aContinuedPropertyIsReportedOnItsFirstLine() {
        assertEquals(List.of("line 2: list=[ \"a\", \"b\": the closing ] is missing"),
                problems("ok=\"1\"\nlist=[ \\\n  \"a\", \\\n  \"b\" \n"));
        assertTrue(TypedConfigFile.read("# nothing\n\n").valid());
    }
}
