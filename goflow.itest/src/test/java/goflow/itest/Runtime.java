package goflow.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.ops4j.pax.exam.Option;

/**
 * The bundles the integration tests install, as {@code file:} URLs of the jars that
 * {@code pre-integration-test} copied into {@code target/bundles} (no repository access).
 */
final class Runtime {
    /** The directory of the bundles, set by failsafe. */
    static final File BUNDLES = new File(System.getProperty("goflow.itest.bundles", "target/bundles"));

    private Runtime() {
    }

    static Option file(String name) {
        File f = new File(BUNDLES, name + ".jar");
        if (!f.isFile()) {
            throw new IllegalStateException("missing bundle " + f + ": run the build through pre-integration-test");
        }
        return bundle(f.toURI().toString());
    }

    /** Declarative Services with what it needs, and Configuration Admin. */
    static Option dsAndConfigAdmin() {
        return composite(file("org.osgi.util.function"), file("org.osgi.util.promise"),
                file("org.osgi.service.component"), file("org.apache.felix.scr"),
                file("org.apache.felix.configadmin"));
    }

    /** The goflow bundles with DS, ConfigAdmin and the Gogo runtime. */
    static Option goflowWithShell() {
        return composite(dsAndConfigAdmin(), file("goflow.api"), file("goflow.impl"),
                file("org.apache.felix.gogo.runtime"), file("org.apache.felix.gogo.command"), file("goflow.shell"));
    }

    /** What every Pax Exam test needs besides the bundles. */
    static Option exam() {
        return composite(junitBundles(), cleanCaches(true), systemTimeout(60_000),
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
    }

    /**
     * A bundle whose activator is {@code activator}, with every class of the activator's package
     * (read from the test class path, which must be a directory), importing {@code imports}.
     *
     * @param symbolicName its symbolic name
     * @param activator the activator class; its package should hold nothing else
     * @param imports the Import-Package header
     * @return the jar's content
     */
    static InputStream activatorBundle(String symbolicName, Class<?> activator, String imports) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Bundle-Activator", activator.getName());
        a.putValue("Import-Package", imports);
        String dir = activator.getPackageName().replace('.', '/') + "/";
        File classes;
        try {
            classes = new File(activator.getResource("").toURI());
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw new IOException("the classes of " + activator.getPackageName() + " are not in a directory", e);
        }
        File[] files = classes.listFiles((d, n) -> n.endsWith(".class"));
        if (files == null || files.length == 0) {
            throw new IOException("no classes in " + classes);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, mf)) {
            for (File f : files) {
                jar.putNextEntry(new JarEntry(dir + f.getName()));
                jar.write(Files.readAllBytes(f.toPath()));
                jar.closeEntry();
            }
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    /**
     * A bundle with no classes that imports goflow.api: a consumer whose lifecycle the tests drive.
     *
     * @param symbolicName its symbolic name
     * @return the jar's content
     */
    static InputStream consumerBundle(String symbolicName) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Import-Package", "goflow.api;version=\"[0.1,1)\"");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, mf)) {
            jar.flush();
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }
}
