package goflow.redis.streams;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import redis.clients.jedis.RedisClient;

/**
 * A real {@code redis-server} for one test class: started on 127.0.0.1 on a free port, with no
 * persistence ({@code --save '' --appendonly no}), stopped by its PID. Nothing else is ever
 * addressed. {@code .ci/run} installs the Debian package {@code redis-server} where it is missing.
 *
 * <p>Not thread-safe: one test class drives it.
 */
public final class RedisServer implements AutoCloseable {
    private final int port;
    private Process process;
    private final Path log;

    private RedisServer(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts a server and waits until it answers PING.
     *
     * @return the running server
     * @throws Exception if it cannot be started or does not answer within 30 s
     */
    public static RedisServer start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("redis-" + port + "-", ".log");
        RedisServer server = new RedisServer(port, launch(port, log), log);
        server.awaitPong();
        return server;
    }

    private static Process launch(int port, Path log) {
        try {
            return new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .directory(new File(System.getProperty("java.io.tmpdir"))).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server is not installed (apt-get install redis-server; .ci/run "
                    + "does it): " + e.getMessage(), e);
        }
    }

    private void awaitPong() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (RedisClient c = client()) {
                if ("PONG".equals(c.ping())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                    close();
                    throw new IllegalStateException("redis-server on port " + port + " did not answer: "
                            + Files.readString(log, StandardCharsets.UTF_8), notYet);
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
    }

    /**
     * Kills the server by its PID (SIGKILL: no shutdown, as when a machine is lost).
     *
     * @throws InterruptedException if interrupted while waiting for it to end
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * Starts the server again on the same port (empty: nothing was persisted) and waits for it.
     *
     * @throws Exception if it does not answer within 30 s
     */
    public void restart() throws Exception {
        if (process.isAlive()) {
            kill();
        }
        process = launch(port, log);
        awaitPong();
    }

    /**
     * Returns the server's port on 127.0.0.1.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Returns a new pooled client of this server; the caller closes it.
     *
     * @return the client
     */
    public RedisClient client() {
        return RedisClient.create("127.0.0.1", port);
    }

    /**
     * Stops the server by its PID and waits for it to end.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temporary file
        }
    }
}
