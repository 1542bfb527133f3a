package goflow.redis.streams;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

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
        return start(RedisServer::freePort);
    }

    /**
     * Starts a server with settings of its own (e.g. {@code "--databases", "200"}) and waits until it
     * answers PING.
     *
     * @param options redis-server options added to the command line
     * @return the running server
     * @throws Exception if it cannot be started or does not answer within 30 s
     */
    public static RedisServer startWith(String... options) throws Exception {
        return start(RedisServer::freePort, options);
    }

    /**
     * Starts a server on the first port of {@code ports} it can bind, trying up to 5.
     *
     * @param ports the ports to try, in turn
     * @return the running server
     * @throws Exception if it cannot be started or does not answer within 30 s
     */
    static RedisServer start(IntSupplier ports, String... options) throws Exception {
        // A port is free when picked but may be taken before redis-server binds it (by an outgoing
        // connection given it as its local port): then redis-server exits saying so, and another is tried.
        for (int attempt = 1;; attempt++) {
            int port = ports.getAsInt();
            Path log = Files.createTempFile("redis-" + port + "-", ".log");
            RedisServer server = new RedisServer(port, launch(port, log, options), log);
            try {
                server.awaitPong();
                return server;
            } catch (PortTakenException taken) {
                if (attempt == 5) {
                    throw new IllegalStateException("redis-server found its port taken 5 times", taken);
                }
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no loopback port can be bound", e);
        }
    }

    /** redis-server exited because its port was taken (its log says "Address already in use"). */
    private static final class PortTakenException extends Exception {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static Process launch(int port, Path log, String... options) {
        try {
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("redis-server", "--port",
                    Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize",
                    "no", "--protected-mode", "yes"));
            command.addAll(java.util.List.of(options));
            return new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .directory(new File(System.getProperty("java.io.tmpdir"))).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server is not installed (apt-get install redis-server; .ci/run "
                    + "does it): " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the server answers PING; stops it and throws if it does not within 30 s.
     *
     * @throws PortTakenException if it exited because its port was taken
     */
    private void awaitPong() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (RedisClient c = client()) {
                if ("PONG".equals(c.ping())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                    boolean exited = !process.isAlive();
                    String output = Files.readString(log, StandardCharsets.UTF_8);
                    close();
                    if (exited && output.contains("Address already in use")) {
                        throw new PortTakenException("redis-server's port " + port + " was taken: " + output, notYet);
                    }
                    throw new IllegalStateException("redis-server on port " + port + " did not answer: " + output,
                            notYet);
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
