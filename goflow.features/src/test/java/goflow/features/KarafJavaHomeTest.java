package goflow.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which JDK KarafIT starts Karaf 4.4 on ({@link Karaf#javaHome}), with fake JDK folders (an executable
 * {@code bin/java} and a {@code release} file): a JDK named by {@code -Dgoflow.karaf.java.home} is used and,
 * when it is not a JDK 11 to 21, fails the test; with {@code -Dgoflow.karaf.required=true} a missing JDK fails
 * the test instead of skipping it.
 */
class KarafJavaHomeTest {
    @TempDir
    Path jvm;

    private Path jdk(String name, String version) throws IOException {
        Path home = Files.createDirectories(jvm.resolve(name));
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }

    @Test
    void aSupportedRunningJdkIsUsed() throws IOException {
        Path running = jdk("java-17", "17.0.15");
        assertEquals(Optional.of(running), Karaf.javaHome(running, 17, "", true));
    }

    @Test
    void onANewerRunningJdkTheNewestSupportedJdkBesideItIsUsed() throws IOException {
        Path running = jdk("temurin-25", "25.0.3");
        jdk("java-11", "11.0.2");
        Path newest = jdk("java-21", "21.0.5");
        jdk("java-24", "24");
        Files.createDirectories(jvm.resolve("not-a-jdk"));
        assertEquals(Optional.of(newest), Karaf.javaHome(running, 25, "", true));
    }

    @Test
    void withNoSupportedJdkTheTestIsSkippedUnlessKarafIsRequired() throws IOException {
        Path running = jdk("temurin-25", "25.0.3");
        jdk("java-8", "1.8.0_412");
        assertEquals(Optional.empty(), Karaf.javaHome(running, 25, "", false));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Karaf.javaHome(running, 25, "", true));
        assertTrue(e.getMessage().contains("goflow.karaf.required=true")
                && e.getMessage().contains("Java 11 to 21") && e.getMessage().contains(jvm.toString()), e.getMessage());
    }

    @Test
    void aConfiguredJdkIsUsedEvenWhenAnotherIsBesideTheRunningOne() throws IOException {
        Path running = jdk("temurin-25", "25.0.3");
        jdk("java-21", "21.0.5");
        Path configured = jdk("java-17", "17.0.15");
        assertEquals(Optional.of(configured), Karaf.javaHome(running, 25, configured.toString(), false));
        // also when the running JDK could run Karaf: the property names the one to use
        assertEquals(Optional.of(configured), Karaf.javaHome(jvm.resolve("java-21"), 21, configured.toString(), false));
    }

    @Test
    void aConfiguredFolderThatIsNoJdkFailsNamingThePropertyAndTheValue() throws IOException {
        Path running = jdk("temurin-25", "25.0.3");
        jdk("java-17", "17.0.15");
        String missing = jvm.resolve("no-such-jdk").toString();
        for (boolean required : new boolean[] {false, true}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Karaf.javaHome(running, 25, missing, required));
            assertTrue(e.getMessage().contains("goflow.karaf.java.home=" + missing)
                    && e.getMessage().contains("bin/java"), e.getMessage());
        }
        Path empty = Files.createDirectories(jvm.resolve("empty"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Karaf.javaHome(jdk("java-17b", "17.0.15"), 17, empty.toString(), false));
        assertTrue(e.getMessage().contains("goflow.karaf.java.home=" + empty), e.getMessage());
    }

    @Test
    void aConfiguredJdkOutsideJava11To21FailsNamingItsVersion() throws IOException {
        Path running = jdk("temurin-25", "25.0.3");
        jdk("java-17", "17.0.15");
        for (Path configured : new Path[] {running, jdk("java-8", "1.8.0_412")}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Karaf.javaHome(running, 25, configured.toString(), false));
            assertTrue(e.getMessage().contains("goflow.karaf.java.home=" + configured)
                    && e.getMessage().contains("Java 11 to 21"), e.getMessage());
        }
    }
}
