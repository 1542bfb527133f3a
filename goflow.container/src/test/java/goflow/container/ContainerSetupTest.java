package goflow.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerSetupTest {

    @Test
    void aMissingDeployFolderIsCreatedWithTheDefaultConfiguration(@TempDir Path dir) throws Exception {
        Path deploy = dir.resolve("deploy");
        assertTrue(DeployFolder.prepare(deploy, getClass().getClassLoader()));
        for (String name : DeployFolder.DEFAULTS) {
            assertTrue(Files.size(deploy.resolve(name)) > 0, name);
        }
        String pipeline = Files.readString(deploy.resolve("goflow.pipeline-demo-orders.config"));
        assertTrue(pipeline.contains("stages=[\"trim\",\"parse-kv\",\"require\",\"timestamp\",\"project\",\"format-kv\"]"),
                pipeline);
    }

    @Test
    void anExistingDeployFolderIsLeftAlone(@TempDir Path dir) throws Exception {
        Path deploy = Files.createDirectories(dir.resolve("deploy"));
        Files.writeString(deploy.resolve("mine.cfg"), "a=1\n");
        assertFalse(DeployFolder.prepare(deploy, getClass().getClassLoader()));
        try (var files = Files.list(deploy)) {
            assertEquals(List.of(deploy.resolve("mine.cfg")), files.toList());
        }
    }

    @Test
    void aDeployFolderThatCannotBeCompletedIsNotLeftHalfWritten(@TempDir Path dir) throws Exception {
        Path deploy = dir.resolve("deploy");
        String last = DeployFolder.DEFAULTS.get(DeployFolder.DEFAULTS.size() - 1);
        ClassLoader lacksOne = new ClassLoader(getClass().getClassLoader()) {
            @Override
            public InputStream getResourceAsStream(String name) {
                return name.equals("defaults/" + last) ? null : super.getResourceAsStream(name);
            }
        };
        IOException e = assertThrows(IOException.class, () -> DeployFolder.prepare(deploy, lacksOne));
        assertTrue(e.getMessage().contains(last), e.getMessage());
        assertFalse(Files.exists(deploy), "no half-written deploy folder that a later start would leave alone");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "nothing left next to it either");
        }
        assertTrue(DeployFolder.prepare(deploy, getClass().getClassLoader()), "the next start creates it");
        for (String name : DeployFolder.DEFAULTS) {
            assertTrue(Files.size(deploy.resolve(name)) > 0, name);
        }
    }

    /** An Error while the defaults are read (the bundle's class loader failing) leaves nothing behind either. */
    @Test
    void aDeployFolderWhoseDefaultsFailWithAnErrorLeavesNoTemporaryFolder(@TempDir Path dir) throws Exception {
        Path deploy = dir.resolve("deploy");
        ClassLoader broken = new ClassLoader(getClass().getClassLoader()) {
            @Override
            public InputStream getResourceAsStream(String name) {
                throw new NoClassDefFoundError("the bundle was refreshed");
            }
        };
        assertThrows(NoClassDefFoundError.class, () -> DeployFolder.prepare(deploy, broken));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "no temporary folder left next to it");
        }
    }

    /**
     * Two containers started at once in one working directory: the other one creates the folder
     * while this one writes its defaults. Its folder is kept, this start goes on without an error
     * and leaves no temporary folder behind.
     */
    @Test
    void aDeployFolderCreatedMeanwhileByAnotherContainerIsLeftAloneAndTheStartGoesOn(@TempDir Path dir)
            throws Exception {
        Path deploy = dir.resolve("deploy");
        ClassLoader racing = new ClassLoader(getClass().getClassLoader()) {
            @Override
            public InputStream getResourceAsStream(String name) {
                try {
                    if (!Files.exists(deploy)) { // the other container's rename, done while this one copies
                        Files.createDirectories(deploy);
                        Files.writeString(deploy.resolve("theirs.cfg"), "a=1\n");
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return super.getResourceAsStream(name);
            }
        };
        assertFalse(DeployFolder.prepare(deploy, racing), "created by the other container, not by this one");
        try (var files = Files.list(deploy)) {
            assertEquals(List.of(deploy.resolve("theirs.cfg")), files.toList(), "the other container's folder, as it is");
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(deploy), files.toList(), "no temporary folder left next to it");
        }
    }

    /**
     * {@code felix.fileinstall.dir} naming a file, not a folder: the start fails with a message
     * naming the property, the value and the rule, and the file is left as it was.
     */
    @Test
    void aDeployPathThatIsAFileIsRefusedNamingThePropertyTheValueAndTheRule(@TempDir Path dir) throws Exception {
        Path deploy = Files.writeString(dir.resolve("deploy"), "not a folder\n");
        IOException e = assertThrows(IOException.class, () -> DeployFolder.prepare(deploy, getClass().getClassLoader()));
        assertTrue(e.getMessage().contains(Activator.DEPLOY_DIR + " = '" + deploy + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("must name a folder"), e.getMessage());
        assertEquals("not a folder\n", Files.readString(deploy));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(deploy), files.toList(), "no temporary folder left next to it");
        }
    }

    @Test
    void aScriptWithoutAGoshHomeGetsATemporaryProfileThatIsDeletedAfterwards() throws Exception {
        assertNull(GoshHome.prepare(null, null), "interactive: Gogo's own profile");
        assertNull(GoshHome.prepare("--nointeractive s.gosh", "/my/home"), "a given home is kept");
        Path home = GoshHome.prepare("--nointeractive s.gosh", null);
        assertEquals(GoshHome.PROFILE, Files.readString(home.resolve("etc/gosh_profile")));
        GoshHome.delete(home);
        assertFalse(Files.exists(home));
        GoshHome.delete(home); // already gone (a cleaned /tmp): the container's stop goes on
    }

    /**
     * Writing the profile fails (a full disk, a quota) or a writer throws an Error: the temporary
     * home made for it is deleted, not left in {@code /tmp} at every failed start.
     */
    @Test
    void aTemporaryHomeWhoseProfileCannotBeWrittenIsDeleted() throws Exception {
        List<Throwable> failures = List.of(new IOException("No space left on device"), new OutOfMemoryError("test"));
        for (Throwable failure : failures) {
            Path[] written = new Path[1];
            Throwable thrown = assertThrows(failure.getClass(), () -> GoshHome.prepare("--nointeractive s.gosh", null,
                    (profile, text) -> {
                        written[0] = profile;
                        Files.writeString(profile, text.substring(0, 10)); // a part, then the failure
                        if (failure instanceof IOException io) {
                            throw io;
                        }
                        throw (Error) failure;
                    }));
            assertEquals(failure, thrown);
            Path home = written[0].getParent().getParent();
            assertTrue(home.getFileName().toString().startsWith("goflow-gosh"), home::toString);
            assertFalse(Files.exists(home), home + " is left behind");
        }
    }
}
