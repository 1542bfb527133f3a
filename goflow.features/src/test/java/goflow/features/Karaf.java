package goflow.features;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Apache Karaf, unpacked from its distribution into a fresh folder, configured for a test
 * and driven through its local console (commands written to its standard input, output read back
 * from a file), as a user at the console would.
 *
 * <p>Configuration: the SSH console and the JMX (RMI) ports are free ports on 127.0.0.1; Maven URLs
 * ({@code mvn:}) resolve offline from Karaf's own {@code system/} folder, the build's throwaway
 * repository of goflow bundles and, read only, the build's local repository (for the bundles of
 * Karaf's {@code scr} feature that the distribution lacks); pax-url's own local repository is
 * inside the Karaf folder, so nothing is written to {@code ~/.m2}. The
 * process is Karaf's JVM itself ({@code KARAF_EXEC=exec}), so {@link #close()} stops it by PID when
 * {@code system:shutdown} does not.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class Karaf implements AutoCloseable {
    /** How long one command, or one condition polled with {@link #poll}, may take. */
    static final long TIMEOUT_SECONDS = 120;
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]|\r");
    /**
     * One prompt; replacing each removes a run of them too. Not {@code (?:prompt)+}: java.util.regex
     * matches a repeated group by recursion, and the console redraws its prompt while it waits, so a
     * minute without commands left a run deep enough to overflow the stack (KarafIT, after a test
     * that waited 60 s on HTTP).
     */
    private static final Pattern PROMPTS = Pattern.compile("karaf@root\\(\\)> *");

    private final Path home;
    private final Process process;
    private final Path output;
    private final Writer in;
    private int marker;
    /** The console output already read by earlier commands (bytes). */
    private long consumed;

    private Karaf(Path home, Process process, Path output) {
        this.home = home;
        this.process = process;
        this.output = output;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /**
     * Unpacks the distribution into {@code work} (emptied first), configures it and starts it.
     *
     * @param distribution the {@code apache-karaf-x.y.z.tar.gz}
     * @param work the folder to unpack into
     * @param repository the Maven repository, after {@code system/}, that {@code mvn:} URLs resolve from
     * @param localRepository the build's local repository, read last (for the bundles of Karaf's own features
     *     that its distribution lacks); nothing is written to it
     * @param javaHome the JDK Karaf runs on (see {@link #supportedJavaHome()})
     * @return the started Karaf, its console not necessarily ready yet
     * @throws Exception if it cannot be unpacked or started
     */
    static Karaf start(Path distribution, Path work, Path repository, Path localRepository, Path javaHome)
            throws Exception {
        delete(work);
        Files.createDirectories(work);
        run(work, "tar", "xzf", distribution.toAbsolutePath().toString(), "-C", work.toString(), "--strip-components=1");
        Path etc = work.resolve("etc");
        replace(etc.resolve("org.apache.karaf.shell.cfg"), "sshPort", String.valueOf(freePort()));
        replace(etc.resolve("org.apache.karaf.shell.cfg"), "sshHost", "127.0.0.1");
        replace(etc.resolve("org.apache.karaf.management.cfg"), "rmiRegistryPort", String.valueOf(freePort()));
        replace(etc.resolve("org.apache.karaf.management.cfg"), "rmiServerPort", String.valueOf(freePort()));
        Files.writeString(etc.resolve("org.ops4j.pax.url.mvn.cfg"), String.join("\n",
                "# KarafIT: offline, from system/, the build's throwaway repository and (read only) its local one.",
                "org.ops4j.pax.url.mvn.offline = true",
                "org.ops4j.pax.url.mvn.useFallbackRepositories = false",
                "org.ops4j.pax.url.mvn.localRepository = ${karaf.data}/m2",
                "org.ops4j.pax.url.mvn.defaultRepositories = "
                        + "${karaf.home.uri}${karaf.default.repository}@id=system.repository@snapshots, "
                        + repository.toUri() + "@id=goflow.it@snapshots, "
                        + localRepository.toUri() + "@id=build.local",
                "org.ops4j.pax.url.mvn.repositories = ",
                ""));
        // Karaf's own scr.management and scr.state bundles (conditional parts of its `scr` feature) cannot be
        // fetched offline here (their parent POM is not served by the build's registry): this Karaf skips them.
        // The `scr` feature is otherwise Karaf's, unchanged.
        Files.writeString(etc.resolve("org.apache.karaf.features.xml"), String.join("\n",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                "<featuresProcessing xmlns=\"http://karaf.apache.org/xmlns/features-processing/v1.0.0\">",
                "  <blacklistedBundles>",
                "    <bundle>mvn:org.apache.karaf.scr/org.apache.karaf.scr.management</bundle>",
                "    <bundle>mvn:org.apache.karaf.scr/org.apache.karaf.scr.state</bundle>",
                "  </blacklistedBundles>",
                "</featuresProcessing>",
                ""));

        Path output = work.resolve("console.out");
        ProcessBuilder pb = new ProcessBuilder("bash", "bin/karaf").directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().put("KARAF_EXEC", "exec");
        pb.environment().put("JAVA_MAX_MEM", "512M");
        return new Karaf(work, pb.start(), output);
    }

    /** The newest Java feature release Karaf 4.4 runs on. */
    static final int NEWEST_SUPPORTED_JAVA = 21;
    /** The oldest Java feature release Karaf 4.4 runs on. */
    static final int OLDEST_SUPPORTED_JAVA = 11;
    /** The system property naming the JDK Karaf runs on. */
    static final String JAVA_HOME_PROPERTY = "goflow.karaf.java.home";
    /** The system property that, when {@code true}, makes a missing JDK fail the test instead of skipping it. */
    static final String REQUIRED_PROPERTY = "goflow.karaf.required";
    /**
     * The environment variable read when {@link #JAVA_HOME_PROPERTY} is not set: {@code .ci/run} exports it, so
     * that it runs the README's test command exactly as written.
     */
    static final String JAVA_HOME_ENV = "GOFLOW_KARAF_JAVA_HOME";
    /** The environment variable read when {@link #REQUIRED_PROPERTY} is not set ({@code .ci/run} exports it). */
    static final String REQUIRED_ENV = "GOFLOW_KARAF_REQUIRED";

    /**
     * The JDK to run Karaf 4.4 on, from this JVM's system properties, or else the environment variables
     * {@value #JAVA_HOME_ENV} and {@value #REQUIRED_ENV} (see
     * {@link #javaHome(Path, int, String, boolean)}).
     *
     * @return the JDK's home, or empty when there is none here and Karaf is not required
     * @throws IOException if the folder of JDKs cannot be listed
     */
    static java.util.Optional<Path> supportedJavaHome() throws IOException {
        return javaHome(Path.of(System.getProperty("java.home")), Runtime.version().feature(),
                System.getProperty(JAVA_HOME_PROPERTY, System.getenv().getOrDefault(JAVA_HOME_ENV, "")),
                Boolean.parseBoolean(System.getProperty(REQUIRED_PROPERTY,
                        System.getenv().getOrDefault(REQUIRED_ENV, "false"))));
    }

    /**
     * The JDK to run Karaf 4.4 on: the one named by {@code -Dgoflow.karaf.java.home} when it is set (it must be
     * a JDK 11 to 21), otherwise the one running the test when Karaf supports it (Java 11 to 21), otherwise the
     * newest JDK 11 to 21 found beside the running one (as in {@code /usr/lib/jvm}). Karaf 4.4 does not start on
     * Java 24 and later: its scripts allow the Security Manager, which those JDKs refuse, and its Felix
     * EventAdmin calls {@code Subject.getSubject}, which they no longer support.
     *
     * <p>A JDK named by the property that cannot run Karaf fails (it was asked for); no JDK at all fails too
     * when {@code -Dgoflow.karaf.required=true} (CI: Karaf must run), otherwise the caller skips the test.
     *
     * @param running the home of the JDK running the test
     * @param runningFeature its feature release
     * @param configured the value of {@code -Dgoflow.karaf.java.home}, blank when it is not set
     * @param required the value of {@code -Dgoflow.karaf.required}
     * @return the JDK's home, or empty when there is none here and Karaf is not required
     * @throws IllegalStateException if the configured JDK cannot run Karaf, or none is found and Karaf is required
     * @throws IOException if the folder of JDKs cannot be listed
     */
    static java.util.Optional<Path> javaHome(Path running, int runningFeature, String configured, boolean required)
            throws IOException {
        if (!configured.isBlank()) {
            Path home = Path.of(configured);
            String rule = "Karaf 4.4 runs on Java " + OLDEST_SUPPORTED_JAVA + " to " + NEWEST_SUPPORTED_JAVA;
            if (!Files.isExecutable(home.resolve("bin/java"))) {
                throw new IllegalStateException("KarafIT: -D" + JAVA_HOME_PROPERTY + "=" + configured
                        + " is not a JDK: it has no executable bin/java (" + rule + ")");
            }
            int feature = javaFeature(home);
            if (feature < OLDEST_SUPPORTED_JAVA || feature > NEWEST_SUPPORTED_JAVA) {
                throw new IllegalStateException("KarafIT: -D" + JAVA_HOME_PROPERTY + "=" + configured
                        + " is Java " + (feature == 0 ? "of unknown version (no readable JAVA_VERSION in its release file)"
                        : String.valueOf(feature)) + ": " + rule);
            }
            return java.util.Optional.of(home);
        }
        if (runningFeature >= OLDEST_SUPPORTED_JAVA && runningFeature <= NEWEST_SUPPORTED_JAVA) {
            return java.util.Optional.of(running);
        }
        Path jdks = running.toRealPath().getParent();
        java.util.Optional<Path> beside;
        try (Stream<Path> candidates = Files.list(jdks)) {
            beside = candidates.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> {
                        int feature = javaFeature(home);
                        return feature >= OLDEST_SUPPORTED_JAVA && feature <= NEWEST_SUPPORTED_JAVA;
                    })
                    .max(java.util.Comparator.comparingInt(Karaf::javaFeature));
        }
        if (beside.isEmpty() && required) {
            throw new IllegalStateException("KarafIT: -D" + REQUIRED_PROPERTY + "=true but Karaf 4.4 runs on Java "
                    + OLDEST_SUPPORTED_JAVA + " to " + NEWEST_SUPPORTED_JAVA + ", the tests run on Java "
                    + runningFeature + " and no such JDK is in " + jdks + ": install one or name it with -D"
                    + JAVA_HOME_PROPERTY);
        }
        return beside;
    }

    /** The feature release named by a JDK's {@code release} file, or 0 when it cannot be read. */
    private static int javaFeature(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Runtime.Version.parse(version).feature();
                }
            }
        } catch (IOException | IllegalArgumentException unreadable) {
            return 0;
        }
        return 0;
    }

    /** The Karaf folder ({@code etc/}, {@code data/log/karaf.log}, ...). */
    Path home() {
        return home;
    }

    /**
     * Runs one console command and returns what it printed (bounded wait).
     *
     * @param command the command line
     * @return its output, without prompts and terminal escapes
     * @throws Exception if it printed nothing within the timeout, or the console is gone
     */
    String run(String command) throws Exception {
        String begin = "@@begin-" + (++marker);
        String end = "@@end-" + marker;
        send("echo " + begin);
        send(command);
        send("echo " + end);
        Pattern b = line(begin);
        Pattern e = line(end);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            long size = Files.size(output);
            String recent = clean(read(consumed, size));
            Matcher mb = b.matcher(recent);
            if (mb.find()) {
                Matcher me = e.matcher(recent);
                if (me.find(mb.end())) {
                    consumed = size;
                    return withoutEcho(recent.substring(mb.end(), me.start()), command, "echo " + end);
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("Karaf stopped during '" + command + "':\n" + diagnostics());
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("no output for '" + command + "':\n" + diagnostics());
    }

    /**
     * Repeats a command until its output satisfies {@code wanted} (bounded wait).
     *
     * @param command the command line
     * @param wanted the condition on its output
     * @return the first output that satisfies it
     * @throws Exception if none did within the timeout
     */
    String poll(String command, Predicate<String> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = run(command);
            if (wanted.test(last)) {
                return last;
            }
            TimeUnit.MILLISECONDS.sleep(300);
        }
        throw new AssertionError("never got the wanted output of '" + command + "'; last:\n" + last
                + "\n" + diagnostics());
    }

    /** The console output so far and the end of Karaf's log, for failure messages. */
    String diagnostics() {
        String log;
        try (Stream<String> lines = Files.lines(home.resolve("data/log/karaf.log"))) {
            List<String> all = lines.collect(Collectors.toList());
            log = String.join("\n", all.subList(Math.max(0, all.size() - 60), all.size()));
        } catch (IOException | RuntimeException ex) {
            log = "(no karaf.log: " + ex + ")";
        }
        String console;
        try {
            long size = Files.size(output);
            console = clean(read(Math.max(0, size - 20_000), size));
        } catch (IOException ex) {
            console = "(unreadable console: " + ex + ")";
        }
        return "--- console (end) ---\n" + console
                + "\n--- data/log/karaf.log (end) ---\n" + log;
    }

    /**
     * Stops Karaf: {@code system:shutdown -f} from the console, then its PID if it is still alive.
     *
     * @throws InterruptedException if interrupted while waiting for it to stop
     */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try {
                send("system:shutdown -f");
            } catch (IOException ignored) {
                // the console is gone: stop it by PID below
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private void send(String line) throws IOException {
        in.write(line + "\n");
        in.flush();
    }

    /** Bytes {@code [from, to)} of the console output, decoded. */
    private String read(long from, long to) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(output.toFile(), "r")) {
            byte[] bytes = new byte[(int) (to - from)];
            f.seek(from);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /**
     * The console text without terminal escapes and prompts. Karaf's console on a pipe redraws its
     * prompt while it waits for input, so a prompt can share a line with output.
     */
    private static String clean(String raw) {
        return PROMPTS.matcher(ANSI.matcher(raw).replaceAll("")).replaceAll("");
    }

    /** A marker printed by {@code echo} alone on its line (not the echoed {@code echo} command). */
    private static Pattern line(String marker) {
        return Pattern.compile("(?m)^[ \\t]*" + Pattern.quote(marker) + "[ \\t]*$");
    }

    /** The output without the echoed command lines (the command, the end marker's echo) around it. */
    private static String withoutEcho(String text, String command, String endEcho) {
        String out = text.strip();
        if (out.startsWith(command)) {
            out = out.substring(command.length());
        }
        out = out.strip();
        if (out.endsWith(endEcho)) {
            out = out.substring(0, out.length() - endEcho.length());
        }
        return out.strip() + "\n";
    }

    /**
     * A loopback port to listen on, taken from below the kernel's ephemeral range (Linux's
     * {@code /proc/sys/net/ipv4/ip_local_port_range}, 32768-60999 by default) and free when
     * checked. Not {@code new ServerSocket(0)}: that gives an ephemeral port, which any outgoing
     * connection made before the server binds it may take as its local port (a Karaf or container
     * start makes many) - KarafIT once found its HTTP port so taken ("Address already in use").
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

    /** Sets {@code key = value} in a Karaf {@code .cfg} file where the key is already set. */
    private static void replace(Path cfg, String key, String value) throws IOException {
        List<String> out = new ArrayList<>();
        boolean found = false;
        for (String l : Files.readAllLines(cfg, StandardCharsets.UTF_8)) {
            if (l.matches("\\s*" + Pattern.quote(key) + "\\s*=.*")) {
                out.add(key + " = " + value);
                found = true;
            } else {
                out.add(l);
            }
        }
        if (!found) {
            throw new IllegalStateException(cfg + " has no " + key + ": has this Karaf another layout?");
        }
        Files.write(cfg, out, StandardCharsets.UTF_8);
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).collect(Collectors.toList())) {
                    Files.delete(p);
                }
            }
        }
    }
}
