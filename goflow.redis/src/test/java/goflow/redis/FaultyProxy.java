package goflow.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy in front of a real redis-server, to cut the network at a chosen point: every
 * connection is forwarded both ways as is, except the next reply after {@link #cutNextReply()} (or
 * every reply after {@link #cutEveryReply()}, until {@link #heal()})
 * (the request reached Redis, which ran it; its reply is dropped and the connection closed, as when
 * the network fails in between) or {@link #garbleNextReply()} (the reply is replaced by a bulk
 * string header of 2^31-1 bytes, which the client's reader cannot allocate: an Error in its thread)
 * or {@link #integerForNextReply()} / {@link #statusForNextReply()} (a reply of another type than
 * the command's: {@code :1}, {@code +OK}).
 *
 * <p>Thread-safe; one pump thread per direction per connection, daemon, ended by {@link #close()}.
 */
final class FaultyProxy implements AutoCloseable {
    private enum Fault { CUT, GARBLE, INTEGER, STATUS }

    private final ServerSocket server;
    private final int targetPort;
    private final AtomicReference<Fault> next = new AtomicReference<>();
    /** How many of the next replies are cut. */
    private final AtomicInteger cuts = new AtomicInteger();
    /** Whether every reply is cut; see cutEveryReply. */
    private volatile boolean cutAll;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    FaultyProxy(InetAddress bind, int targetPort) throws IOException {
        this.server = new ServerSocket(0, 50, bind);
        this.targetPort = targetPort;
        this.acceptor = new Thread(this::accept, "faulty-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Drops the next reply from Redis (to any client) and closes that connection. */
    void cutNextReply() {
        cutNextReplies(1);
    }

    /**
     * Drops every reply from Redis (to any client) from now on, closing each one's connection, until
     * {@link #heal()}: a call that the client sends again on a new connection fails too, and so
     * does a probe.
     */
    void cutEveryReply() {
        cutAll = true;
    }

    /** Ends {@link #cutEveryReply()}. */
    void heal() {
        cutAll = false;
    }

    private void cutNextReplies(int n) {
        cuts.set(n);
    }

    /** Replaces the next reply from Redis (to any client) by a bulk string header of 2^31-1 bytes. */
    void garbleNextReply() {
        next.set(Fault.GARBLE);
    }

    /** Replaces the next reply from Redis (to any client) by the integer reply {@code :1}. */
    void integerForNextReply() {
        next.set(Fault.INTEGER);
    }

    /** The next reply becomes the status {@code +OK}. */
    void statusForNextReply() {
        next.set(Fault.STATUS);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket redis = new Socket();
                redis.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
                sockets.add(client);
                sockets.add(redis);
                pump(client, redis, false);
                pump(redis, client, true);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean replies) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (from; to) {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buf)) > 0;) {
                    Fault f = replies ? next.getAndSet(null) : null;
                    if (f == null && replies && (cutAll || cuts.getAndUpdate(c -> Math.max(0, c - 1)) > 0)) {
                        f = Fault.CUT;
                    }
                    if (f == Fault.CUT) {
                        return; // closes both
                    }
                    if (f == Fault.INTEGER || f == Fault.STATUS) {
                        out.write((f == Fault.INTEGER ? ":1\r\n" : "+OK\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        continue;
                    }
                    if (f == Fault.GARBLE) {
                        out.write("$2147483647\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        continue;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away: both are closed
            }
        }, "faulty-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
