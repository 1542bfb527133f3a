package goflow.itest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for the servers the integration tests start (containers, redis-server). Stateless. */
final class Ports {
    private Ports() {
    }

    /**
     * A loopback port to listen on, taken from below the kernel's ephemeral range (Linux's
     * {@code /proc/sys/net/ipv4/ip_local_port_range}, 32768-60999 by default) and free when
     * checked. Not {@code new ServerSocket(0)}: that gives an ephemeral port, which any outgoing
     * connection made before the server binds it may take as its local port (a Karaf or container
     * start makes many) - KarafIT once found its HTTP port so taken ("Address already in use"); a container start opens many too.
     * Falls back to an ephemeral port where the range cannot be read or leaves no room below it.
     *
     * @return a port that was free on 127.0.0.1 a moment ago
     * @throws IOException if no port can be bound at all
     */
    static int freePort() throws IOException {
        int below = 32768;
        try {
            // a reader, not Files.readString: that sizes its read by the file's size, which /proc reports
            // as 0, and returned "3" of "32768 60999" on JDK 17
            try (java.io.BufferedReader r = java.nio.file.Files.newBufferedReader(
                    java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
                below = Integer.parseInt(r.readLine().trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: assume the IANA ephemeral range (49152-65535) or Linux's default, whichever is lower
        }
        int low = 10_000;
        for (int i = 0; below - low > 1000 && i < 200; i++) {
            int port = low + java.util.concurrent.ThreadLocalRandom.current().nextInt(below - low);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                // in use: try another
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
