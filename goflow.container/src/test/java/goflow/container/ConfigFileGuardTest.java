package goflow.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

/** The guard in front of FileInstall's installer, with a recording stand-in for that installer. */
class ConfigFileGuardTest {
    @TempDir
    Path deploy;

    /** What the stand-in for FileInstall's ConfigInstaller was asked to do. */
    private final List<String> calls = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private boolean fileInstallPresent = true;

    private final ArtifactInstaller fileInstall = new ArtifactInstaller() {
        @Override
        public boolean canHandle(File artifact) {
            return artifact.getName().endsWith(".cfg") || artifact.getName().endsWith(".config");
        }

        @Override
        public void install(File artifact) {
            calls.add("install " + artifact.getName());
        }

        @Override
        public void update(File artifact) {
            calls.add("update " + artifact.getName());
        }

        @Override
        public void uninstall(File artifact) {
            calls.add("uninstall " + artifact.getName());
        }
    };

    private final ConfigFileGuard guard = new ConfigFileGuard((file, action) -> {
        if (!fileInstallPresent || !fileInstall.canHandle(file)) {
            return false;
        }
        action.run(fileInstall);
        return true;
    }, StandardCharsets.ISO_8859_1, warnings::add);

    private File write(String name, String text) throws Exception {
        return Files.writeString(deploy.resolve(name), text, StandardCharsets.ISO_8859_1).toFile();
    }

    /**
     * A {@code felix.fileinstall.configEncoding} this JVM does not know (a typo) does not fail the
     * container bundle's start: a warning names the property, the value and the rule, and no
     * guard is registered (FileInstall, which reads with that encoding, reports each file itself).
     */
    @Test
    void anUnknownConfigEncodingIsReportedNamingThePropertyAndValueInsteadOfFailingTheStart() throws Exception {
        for (String bad : List.of("utf8x", "not a charset!")) {
            List<String> registered = new ArrayList<>();
            BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {BundleContext.class}, (p, m, a) -> switch (m.getName()) {
                        case "getProperty" -> "felix.fileinstall.configEncoding".equals(a[0]) ? bad : null;
                        case "registerService" -> {
                            registered.add(String.valueOf(a[0]));
                            yield null;
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
            assertNull(ConfigFileGuard.register(context, warnings::add), bad);
            assertEquals(List.of(), registered, bad);
            String warning = warnings.get(warnings.size() - 1);
            assertTrue(warning.contains("felix.fileinstall.configEncoding = '" + bad + "'")
                    && warning.contains("must name a character set"), warning);
        }
        assertEquals(StandardCharsets.UTF_8, ConfigFileGuard.encoding("UTF-8", warnings::add).orElseThrow());
        assertEquals(StandardCharsets.ISO_8859_1, ConfigFileGuard.encoding(null, warnings::add).orElseThrow());
        assertEquals(2, warnings.size(), warnings::toString);
    }

    @Test
    void aValidFileGoesToFileInstallUnchanged() throws Exception {
        File file = write("goflow.pipeline-ok.config", "name=\"ok\"\nstages=[\"trim\"]\n");
        assertTrue(guard.canHandle(file));
        guard.install(file);
        guard.update(file);
        guard.uninstall(file);
        assertEquals(List.of("install goflow.pipeline-ok.config", "update goflow.pipeline-ok.config",
                "uninstall goflow.pipeline-ok.config"), calls);
        assertEquals(List.of(), warnings);
    }

    @Test
    void aMalformedFileIsRefusedWithAWarningNamingTheFileAndLineAndNothingIsApplied() throws Exception {
        File file = write("goflow.concurrencylimiter-odd.config", "# typo below\nname=\"odd\"\ncapacity=3\n");
        assertTrue(guard.canHandle(file), "the guard claims it, so that FileInstall's installer never reads it");
        guard.install(file);
        assertEquals(List.of(), calls, "no configuration created");
        assertEquals(1, warnings.size());
        String warning = warnings.get(0);
        assertTrue(warning.startsWith("goflow: " + file.getPath() + " is not a valid typed .config file, so no"
                + " configuration is created or changed from it"), warning);
        assertTrue(warning.contains("\n  line 3: capacity=3: a value in a .config file is typed and quoted"), warning);
    }

    @Test
    void aFileBrokenByAnEditKeepsItsLastGoodConfigurationAndAFixIsApplied() throws Exception {
        File file = write("goflow.tokenbucket-api.config", "name=\"api\"\nburst=L\"20\"\n");
        guard.install(file);
        write(file.getName(), "name=\"api\"\nburst=L\"twenty\"\n");
        guard.update(file);
        assertEquals(List.of("install " + file.getName()), calls, "the broken version is not applied");
        assertTrue(warnings.get(0).contains("line 2: burst=L\"twenty\": L\"twenty\" is not a Long"), warnings.get(0));
        write(file.getName(), "name=\"api\"\nburst=L\"30\"\n");
        guard.update(file);
        assertEquals(List.of("install " + file.getName(), "update " + file.getName()), calls);
        guard.uninstall(file);
        assertEquals("uninstall " + file.getName(), calls.get(2), "deleting the file removes its configuration");
    }

    /** {@code text} in ISO-8859-1 after a UTF-8 byte order mark (EF BB BF). */
    private static byte[] withByteOrderMark(String text) {
        byte[] body = text.getBytes(StandardCharsets.ISO_8859_1);
        byte[] bytes = new byte[body.length + 3];
        bytes[0] = (byte) 0xEF;
        bytes[1] = (byte) 0xBB;
        bytes[2] = (byte) 0xBF;
        System.arraycopy(body, 0, bytes, 3, body.length);
        return bytes;
    }

    @Test
    void aFileSavedWithAByteOrderMarkIsRefusedInEitherEncoding() throws Exception {
        // FileInstall reads the BOM into the first name: "\u00ef\u00bb\u00bfname" (ISO-8859-1) or "\ufeffname" (UTF-8)
        byte[] bytes = withByteOrderMark("name=\"ann\"\nworkers=I\"4\"\n");
        File file = Files.write(deploy.resolve("goflow.workerpool-bom.config"), bytes).toFile();
        ConfigFileGuard utf8 = new ConfigFileGuard((f, action) -> {
            action.run(fileInstall);
            return true;
        }, StandardCharsets.UTF_8, warnings::add);
        for (ConfigFileGuard g : List.of(guard, utf8)) {
            g.install(file);
            g.update(file);
        }
        assertEquals(List.of(), calls, "no configuration with a misspelt first name");
        assertEquals(4, warnings.size(), warnings::toString);
        for (String w : warnings) {
            assertTrue(w.contains("\n  line 1: the file starts with a byte order mark"), w);
        }
    }

    /**
     * FileInstall reads a {@code .config} file as ISO-8859-1 unless {@code felix.fileinstall.configEncoding}
     * says otherwise, so a file saved as UTF-8 (what editors do today) gets every non-ASCII character of its
     * values as two or three others, silently: the pool below would be named {@code zÃ¼rich}.
     */
    @Test
    void aUtf8FileReadAsIso88591IsRefusedButAUtf8CommentIsHarmless() throws Exception {
        byte[] bytes = "# Zürich's pool\nname=\"zürich\"\nworkers=I\"4\"\n".getBytes(StandardCharsets.UTF_8);
        File file = Files.write(deploy.resolve("goflow.workerpool-zurich.config"), bytes).toFile();
        guard.install(file);
        assertEquals(List.of(), calls, "no pool named z\u00c3\u00bcrich");
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).endsWith("\n  line 2: the file is saved as UTF-8, but FileInstall reads a .config file"
                + " as ISO-8859-1 (framework property felix.fileinstall.configEncoding), so 'ü' would be read as"
                + " 'Ã¼'; write it as \\u00fc, or set felix.fileinstall.configEncoding=UTF-8"), warnings.get(0));

        Files.write(file.toPath(), "# Zürich's pool\nname=\"zurich\"\nworkers=I\"4\"\n".getBytes(StandardCharsets.UTF_8));
        guard.update(file);
        assertEquals(List.of("update " + file.getName()), calls, "non-ASCII in a comment only: applied");
        ConfigFileGuard utf8 = new ConfigFileGuard((f, action) -> {
            action.run(fileInstall);
            return true;
        }, StandardCharsets.UTF_8, warnings::add);
        Files.write(file.toPath(), bytes);
        utf8.update(file);
        assertEquals(List.of("update " + file.getName(), "update " + file.getName()), calls,
                "read as UTF-8 when FileInstall is told to");
        assertEquals(1, warnings.size(), warnings::toString);
    }

    /**
     * FileInstall reads a {@code .cfg} file with the same reader as a {@code .config} one, so a byte
     * order mark at its start becomes part of the first name ({@code "\u00ef\u00bb\u00bfname"}): the
     * first setting is lost under a wrong name, silently. Only that is checked in a {@code .cfg}
     * file; everything else, and its deletion, is FileInstall's.
     */
    @Test
    void aCfgFileSavedWithAByteOrderMarkIsRefusedAndAnyOtherCfgFileGoesToFileInstallUnchanged() throws Exception {
        byte[] bytes = withByteOrderMark("capacity = 3\nname = db\n");
        File file = Files.write(deploy.resolve("goflow.concurrencylimiter-db.cfg"), bytes).toFile();
        assertTrue(guard.canHandle(file), "the guard claims it, so that FileInstall's installer never reads it");
        guard.install(file);
        guard.update(file);
        assertEquals(List.of(), calls, "no configuration with a property named \u00ef\u00bb\u00bfcapacity");
        assertEquals(2, warnings.size(), warnings::toString);
        for (String w : warnings) {
            assertTrue(w.startsWith("goflow: " + file.getPath() + " starts with a byte order mark, so no configuration"
                    + " is created or changed from it"), w);
            assertTrue(w.endsWith("\n  line 1: the file starts with a byte order mark (BOM), which FileInstall would"
                    + " read as part of the first name; save the file without a BOM"), w);
        }
        guard.uninstall(file);
        assertEquals(List.of("uninstall " + file.getName()), calls, "deleting the file is FileInstall's");

        calls.clear();
        warnings.clear();
        for (String plain : List.of("a = 1\n", "", "\u00ef", "name=\"untyped in a .cfg\"\nx=" + "y".repeat(
                (int) ConfigFileGuard.MAX_BYTES) + "\n")) {
            File cfg = write("goflow.demo.cfg", plain);
            assertTrue(guard.canHandle(cfg));
            guard.install(cfg);
            guard.update(cfg);
        }
        assertEquals(8, calls.size(), calls::toString);
        assertEquals(List.of(), warnings, "nothing else about a .cfg file is checked");
    }

    @Test
    void otherFilesAndXmlAreNotChecked() throws Exception {
        assertFalse(guard.canHandle(write("plugin.jar", "x")));
        File xml = write("goflow.demo-x.config", "<?xml version=\"1.0\"?><!DOCTYPE properties SYSTEM"
                + " \"http://java.sun.com/dtd/properties.dtd\"><properties><entry key=\"a\">1</entry></properties>");
        guard.install(xml);
        assertEquals(List.of("install goflow.demo-x.config"), calls, "FileInstall's XML properties format");
        assertEquals(List.of(), warnings);
    }

    @Test
    void withoutFileInstallsInstallerTheFileWaitsInFileInstallsQueue() throws Exception {
        File file = write("goflow.pipeline-ok.config", "name=\"ok\"\n");
        fileInstallPresent = false;
        assertFalse(guard.canHandle(file), "not claimed: FileInstall retries it when an installer comes");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> guard.install(file));
        assertTrue(e.getMessage().contains("FileInstall's configuration installer is gone"), e.getMessage());
        fileInstallPresent = true;
        assertTrue(guard.canHandle(file));
    }

    @Test
    void aHugeFileIsRefusedUnread() throws Exception {
        File file = write("goflow.pipeline-big.config", "x=\"" + "a".repeat((int) ConfigFileGuard.MAX_BYTES) + "\"\n");
        guard.install(file);
        assertEquals(List.of(), calls);
        assertTrue(warnings.get(0).contains("more than the 1048576 a configuration file may have"), warnings.get(0));
    }

    @Test
    void aWarningListsAtMostTwentyProblems() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            text.append("k").append(i).append("=").append(i).append('\n');
        }
        File file = write("goflow.x-many.config", text.toString());
        guard.install(file);
        String warning = warnings.get(0);
        assertEquals(1 + ConfigFileGuard.MAX_PROBLEMS + 1, warning.split("\n").length, warning);
        assertTrue(warning.endsWith("\n  ... and 10 more"), warning);
    }
}
