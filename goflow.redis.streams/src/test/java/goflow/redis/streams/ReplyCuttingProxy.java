package goflow.redis.streams;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy on 127.0.0.1 in front of a real redis-server that loses one reply: the first request
 * whose bytes contain {@code trigger} is passed on to Redis (which runs it), and when Redis's reply
 * comes, both sides of that connection are closed instead of passing it back, as when a network
 * fails between a command and its reply (or, {@link #keepReplyBack()}, that reply is dropped and the
 * connection left open, so that the client times out). Every other byte, on this and later
 * connections, is passed on unchanged.
 *
 * <p>Thread-safe: each connection is pumped by two daemon threads; {@link #close()} closes
 * everything.
 */
final class ReplyCuttingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int redisPort;
    private final byte[] trigger;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    /** Set once a reply was cut: no other is. */
    private final AtomicBoolean cut = new AtomicBoolean();
    /** Whether the next request with the trigger loses its reply; requests before {@link #arm()} pass. */
    private final AtomicBoolean armed;
    private final Thread acceptor;
    /** Whether the lost reply is kept back rather than its connection closed; see {@link #keepReplyBack()}. */
    private volatile boolean keepBack;

    ReplyCuttingProxy(int redisPort, String trigger) throws IOException {
        this(redisPort, trigger, true);
    }

    /**
     * A proxy that cuts the reply of the first request with {@code trigger}, or, when not
     * {@code armed}, of the first one after {@link #arm()}.
     */
    ReplyCuttingProxy(int redisPort, String trigger, boolean armed) throws IOException {
        this.armed = new AtomicBoolean(armed);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.redisPort = redisPort;
        this.trigger = trigger.getBytes(StandardCharsets.US_ASCII);
        this.acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Makes the next request with the trigger lose its reply. */
    void arm() {
        armed.set(true);
    }

    /**
     * Makes the lost reply kept back instead: the connection stays open and the client times out
     * waiting (Redis ran the command, as when its reply is delayed past the client's timeout).
     */
    void keepReplyBack() {
        keepBack = true;
    }

    /** Whether a reply was cut. */
    boolean cut() {
        return cut.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket redis = new Socket(InetAddress.getLoopbackAddress(), redisPort);
                sockets.add(client);
                sockets.add(redis);
                AtomicBoolean cutNextReply = new AtomicBoolean();
                pump(client, redis, "proxy-request", (chunk, n) -> {
                    if (!cut.get() && armed.get() && contains(chunk, n, trigger)) {
                        cutNextReply.set(true);
                    }
                    return Verdict.PASS;
                });
                AtomicBoolean keptBack = new AtomicBoolean();
                pump(redis, client, "proxy-reply", (chunk, n) -> {
                    if (keptBack.get()) {
                        return Verdict.DROP; // the rest of a reply kept back
                    }
                    if (!(cutNextReply.get() && cut.compareAndSet(false, true))) {
                        return Verdict.PASS;
                    }
                    if (keepBack) {
                        keptBack.set(true);
                        return Verdict.DROP;
                    }
                    return Verdict.CLOSE;
                });
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** What becomes of a chunk: passed on, dropped, or both sockets closed instead. */
    private enum Verdict {
        PASS, DROP, CLOSE
    }

    /** Decides, before a chunk is passed on, what becomes of it. */
    private interface Gate {
        Verdict pass(byte[] chunk, int n);
    }

    private void pump(Socket from, Socket to, String name, Gate gate) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    Verdict verdict = gate.pass(buf, n);
                    if (verdict == Verdict.CLOSE) {
                        break;
                    }
                    if (verdict == Verdict.DROP) {
                        continue;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private static boolean contains(byte[] chunk, int n, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= n; i++) {
            for (int j = 0; j < part.length; j++) {
                if (chunk[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(ReplyCuttingProxy::closeQuietly);
        try {
            acceptor.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
