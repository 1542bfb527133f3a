package goflow.container;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Creates the folder FileInstall watches and, when it creates it, writes the default
 * configuration into it (the demo primitives, pipeline and traffic), so that the files are there
 * for the user to read, edit and delete. An existing folder is left exactly as it is.
 *
 * <p>Not thread-safe; used once, by the activator.
 */
final class DeployFolder {
    /** The default configuration files, as bundle resources under {@code defaults/}. */
    static final List<String> DEFAULTS = List.of(
            "goflow.tokenbucket-demo-ingress.cfg",
            "goflow.concurrencylimiter-demo-db.cfg",
            "goflow.workerpool-demo-workers.cfg",
            "goflow.scheduler-demo-traffic.cfg",
            "goflow.pipeline-demo-orders.config",
            "goflow.plugin.records.project.config",
            "goflow.demo.cfg",
            "goflow.web.cfg",
            "org.apache.felix.hc.core.impl.servlet.HealthCheckExecutorServlet-goflow.cfg");

    private DeployFolder() {
    }

    /**
     * Creates {@code dir} with the default files if it does not exist. The files are written into
     * a temporary folder next to it, which is then renamed to {@code dir}: a start that fails
     * half-way (a missing resource, a full disk) leaves no folder behind, so the next start
     * creates it again instead of leaving a half-written one as the user's. When the folder appears
     * meanwhile (another container started in the same working directory made it first), that
     * folder is left as it is and this returns false.
     *
     * @param dir the folder
     * @param loader where the default files are read from
     * @return true if the folder was created
     * @throws IOException if it cannot be created or written, or {@code dir} exists and is not a
     *     folder (the message names the property {@value Activator#DEPLOY_DIR}, the value and the rule)
     */
    static boolean prepare(Path dir, ClassLoader loader) throws IOException {
        if (Files.isDirectory(dir)) {
            return false;
        }
        Path target = dir.toAbsolutePath();
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            // a file, or a link to no folder: the rename below would fail, or replace the link
            throw new IOException("goflow.container: property " + Activator.DEPLOY_DIR + " = '" + dir
                    + "' must name a folder (or a path where one can be created), but " + target
                    + " exists and is not a folder");
        }
        Path parent = Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
        try {
            for (String name : DEFAULTS) {
                try (InputStream in = loader.getResourceAsStream("defaults/" + name)) {
                    if (in == null) {
                        throw new IOException("default configuration file missing from the bundle: defaults/" + name);
                    }
                    Files.copy(in, tmp.resolve(name));
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException | Error e) { // an Error too: the bundle's loader failing
            try {
                GoshHome.delete(tmp); // the same recursive delete
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (Files.isDirectory(target)) {
                return false; // made meanwhile by another container started in the same folder: theirs
            }
            throw e;
        }
        return true;
    }
}
