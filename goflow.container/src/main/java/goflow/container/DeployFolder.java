package goflow.container;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
     * Creates {@code dir} with the default files if it does not exist.
     *
     * @param dir the folder
     * @param loader where the default files are read from
     * @return true if the folder was created
     * @throws IOException if it cannot be created or written
     */
    static boolean prepare(Path dir, ClassLoader loader) throws IOException {
        if (Files.isDirectory(dir)) {
            return false;
        }
        Files.createDirectories(dir);
        for (String name : DEFAULTS) {
            try (InputStream in = loader.getResourceAsStream("defaults/" + name)) {
                if (in == null) {
                    throw new IOException("default configuration file missing from the bundle: defaults/" + name);
                }
                Files.copy(in, dir.resolve(name));
            }
        }
        return true;
    }
}
