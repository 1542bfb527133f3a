package goflow.container;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * Stands in front of FileInstall's own configuration installer for typed {@code .config} files, so
 * that a file FileInstall 3.7.4 would read wrongly is refused loudly instead: a {@code WARNING}
 * naming the file and, for each fault, the line and what is wrong; no configuration is created or
 * changed from it (one made from an earlier, valid version of the file stays as it was). A valid
 * file, an XML properties file and every deletion are passed to FileInstall's installer unchanged,
 * so configurations keep FileInstall's PIDs, file link ({@code felix.fileinstall.filename}) and
 * life cycle. See {@link TypedConfigFile} for what FileInstall does with a malformed file.
 *
 * <p>A plain-properties {@code .cfg} file is checked for one fault only, a byte order mark at its
 * start (FileInstall reads it with the same reader, so the mark becomes part of the first name and
 * the first setting is lost under a wrong name); it is refused the same way. Anything else about
 * a {@code .cfg} file is FileInstall's: it is passed on unread.
 *
 * <p>It is FileInstall's standard extension point: an {@link ArtifactInstaller} service. FileInstall
 * offers each file to its installers in service-ranking order, so this one, registered with
 * {@value #RANKING}, is asked before FileInstall's {@code ConfigInstaller} (ranking 0). It claims a
 * {@code .config} or {@code .cfg} file only while FileInstall's installer is there to delegate to; until then the
 * file waits in FileInstall's queue as it would without this class.
 *
 * <p>Thread-safe: stateless; FileInstall calls it from its directory watcher threads.
 */
final class ConfigFileGuard implements ArtifactInstaller {
    private static final System.Logger LOG = System.getLogger(ConfigFileGuard.class.getName());
    /** The service ranking that puts this installer before FileInstall's own: {@value}. */
    static final int RANKING = 1000;
    /** The typed files this installer checks. */
    static final String SUFFIX = ".config";
    /** The plain-properties files this installer checks for a byte order mark only. */
    static final String PLAIN_SUFFIX = ".cfg";
    /** Larger files are refused without being read: {@value} bytes. */
    static final long MAX_BYTES = 1 << 20;
    /** How many problems a warning lists at most. */
    static final int MAX_PROBLEMS = 20;
    private static final String FILEINSTALL = "org.apache.felix.fileinstall";
    private static final String ENCODING = "felix.fileinstall.configEncoding";

    /** FileInstall's own installer, looked up for each call (it comes and goes with ConfigAdmin). */
    interface Delegates {
        /**
         * Calls {@code action} with FileInstall's installer for {@code file}, if there is one.
         *
         * @param file the file
         * @param action what to do with the installer
         * @return false if there is no installer for the file now
         * @throws Exception what the action throws
         */
        boolean with(File file, Action action) throws Exception;
    }

    /** Something done with FileInstall's installer. */
    @FunctionalInterface
    interface Action {
        /**
         * Does it.
         *
         * @param installer FileInstall's installer
         * @throws Exception what the installer throws
         */
        void run(ArtifactInstaller installer) throws Exception;
    }

    private final Delegates delegates;
    private final Charset encoding;
    private final Consumer<String> warn;

    /**
     * Creates the guard.
     *
     * @param delegates finds FileInstall's installer
     * @param encoding the encoding FileInstall reads configuration files in
     * @param warn where refusals are reported
     */
    ConfigFileGuard(Delegates delegates, Charset encoding, Consumer<String> warn) {
        this.delegates = delegates;
        this.encoding = encoding;
        this.warn = warn;
    }

    /**
     * Registers a guard in front of the FileInstall bundle's installers, reporting refusals as
     * {@code WARNING}s (see {@link #register(BundleContext, Consumer)}).
     *
     * @param context the container bundle's context
     * @return the registration (the framework removes it when the bundle stops), or null
     */
    static ServiceRegistration<ArtifactInstaller> register(BundleContext context) {
        return register(context, ConfigFileGuard::warn);
    }

    /**
     * Registers a guard in front of the FileInstall bundle's installers, unless
     * {@value #ENCODING} names no character set this JVM knows: then {@code warn} says so (naming
     * the property, the value and the rule) and there is no guard, since the files cannot be read
     * as FileInstall reads them (FileInstall fails on each itself); the container starts anyway.
     *
     * @param context the container bundle's context
     * @param warn where refusals, and a bad {@value #ENCODING}, are reported
     * @return the registration (the framework removes it when the bundle stops), or null
     */
    static ServiceRegistration<ArtifactInstaller> register(BundleContext context, Consumer<String> warn) {
        Optional<Charset> encoding = encoding(context.getProperty(ENCODING), warn);
        if (encoding.isEmpty()) {
            return null;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, RANKING);
        props.put(Constants.SERVICE_DESCRIPTION, "goflow: refuses malformed typed .config files, and .cfg files with a byte order mark,"
                + " in the deploy folder");
        ConfigFileGuard guard = new ConfigFileGuard(fileInstall(context), encoding.get(), warn);
        return context.registerService(ArtifactInstaller.class, guard, props);
    }

    /**
     * Reads {@value #ENCODING} as FileInstall does: unset is ISO-8859-1; the name is used as written.
     *
     * @param name the property's value, or null (blank is taken as unset)
     * @param warn told when the value names no character set this JVM knows
     * @return the encoding, or empty after the warning
     */
    static Optional<Charset> encoding(String name, Consumer<String> warn) {
        if (name == null || name.isBlank()) {
            return Optional.of(StandardCharsets.ISO_8859_1);
        }
        try {
            return Optional.of(Charset.forName(name));
        } catch (IllegalArgumentException e) { // unknown or malformed name
            warn.accept("goflow.container: framework property " + ENCODING + " = '" + name + "' must name a character"
                    + " set this JVM knows, such as UTF-8 or ISO-8859-1 (the default); FileInstall cannot read .config"
                    + " files with it, and they are not checked by goflow (" + e + ")");
            return Optional.empty();
        }
    }

    private static void warn(String message) {
        LOG.log(System.Logger.Level.WARNING, message);
    }

    /** FileInstall's own installers: the ArtifactInstaller services of the FileInstall bundle. */
    private static Delegates fileInstall(BundleContext context) {
        return (file, action) -> {
            ServiceReference<ArtifactInstaller>[] refs;
            try {
                @SuppressWarnings("unchecked")
                ServiceReference<ArtifactInstaller>[] found = (ServiceReference<ArtifactInstaller>[])
                        context.getServiceReferences(ArtifactInstaller.class.getName(), null);
                refs = found;
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            if (refs == null) {
                return false;
            }
            for (ServiceReference<ArtifactInstaller> ref : refs) {
                if (ref.getBundle() == null || !FILEINSTALL.equals(ref.getBundle().getSymbolicName())) {
                    continue;
                }
                ArtifactInstaller installer = context.getService(ref);
                if (installer == null) {
                    continue;
                }
                try {
                    if (installer.canHandle(file)) {
                        action.run(installer);
                        return true;
                    }
                } finally {
                    context.ungetService(ref);
                }
            }
            return false;
        };
    }

    @Override
    public boolean canHandle(File artifact) {
        if (!artifact.getName().endsWith(SUFFIX) && !artifact.getName().endsWith(PLAIN_SUFFIX)) {
            return false;
        }
        try {
            return delegates.with(artifact, installer -> { });
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void install(File artifact) throws Exception {
        if (check(artifact)) {
            delegate(artifact, installer -> installer.install(artifact));
        }
    }

    @Override
    public void update(File artifact) throws Exception {
        if (check(artifact)) {
            delegate(artifact, installer -> installer.update(artifact));
        }
    }

    @Override
    public void uninstall(File artifact) throws Exception {
        delegate(artifact, installer -> installer.uninstall(artifact));
    }

    private void delegate(File artifact, Action action) throws Exception {
        if (!delegates.with(artifact, action)) {
            throw new IllegalStateException("goflow: FileInstall's configuration installer is gone; " + artifact
                    + " is not applied now (FileInstall applies it when the file next changes)");
        }
    }

    /**
     * Checks a file; reports it and returns false if FileInstall would read it wrongly. An XML
     * properties file (first byte {@code <}) is FileInstall's other format and is not checked.
     */
    private boolean check(File artifact) throws IOException {
        if (artifact.getName().endsWith(PLAIN_SUFFIX)) {
            return checkPlain(artifact);
        }
        long size = Files.size(artifact.toPath());
        if (size > MAX_BYTES) {
            warn.accept(refused(artifact) + "\n  it has " + size + " bytes, more than the " + MAX_BYTES
                    + " a configuration file may have");
            return false;
        }
        byte[] bytes = Files.readAllBytes(artifact.toPath());
        if (bytes.length > 0 && bytes[0] == '<') {
            return true;
        }
        List<TypedConfigFile.Problem> problems = new ArrayList<>();
        utf8ReadWrongly(bytes, encoding).ifPresent(problems::add);
        problems.addAll(TypedConfigFile.read(new String(bytes, encoding)).problems());
        if (problems.isEmpty()) {
            return true;
        }
        StringBuilder sb = new StringBuilder(refused(artifact));
        problems.stream().limit(MAX_PROBLEMS).forEach(p -> sb.append("\n  ").append(p));
        if (problems.size() > MAX_PROBLEMS) {
            sb.append("\n  ... and ").append(problems.size() - MAX_PROBLEMS).append(" more");
        }
        warn.accept(sb.toString());
        return false;
    }

    /**
     * Checks a {@code .cfg} file for a UTF-8 byte order mark, reading its first three bytes only;
     * reports it and returns false if there is one.
     */
    private boolean checkPlain(File artifact) throws IOException {
        byte[] start;
        try (InputStream in = Files.newInputStream(artifact.toPath())) {
            start = in.readNBytes(3);
        }
        if (start.length == 3 && (start[0] & 0xFF) == 0xEF && (start[1] & 0xFF) == 0xBB && (start[2] & 0xFF) == 0xBF) {
            warn.accept("goflow: " + artifact.getPath() + " starts with a byte order mark, so no configuration is"
                    + " created or changed from it (one made from an earlier version of the file stays as it was);"
                    + " FileInstall alone would read it wrongly:\n  " + TypedConfigFile.BYTE_ORDER_MARK);
            return false;
        }
        return true;
    }

    /**
     * The first property line of a file saved as UTF-8 whose non-ASCII characters FileInstall, reading
     * it in {@code encoding} (ISO-8859-1 unless {@value #ENCODING} is set), would read as other
     * characters: a UTF-8 file is recognised by decoding without a single error. Comment lines do not
     * count (FileInstall ignores them), nor does a byte order mark (reported on its own).
     *
     * @param bytes the file
     * @param encoding the encoding FileInstall reads it in
     * @return the problem, or empty
     */
    static Optional<TypedConfigFile.Problem> utf8ReadWrongly(byte[] bytes, Charset encoding) {
        String utf8;
        try {
            utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return Optional.empty(); // not UTF-8: read as it was written, in the configured encoding
        }
        if (utf8.startsWith("\uFEFF")) {
            utf8 = utf8.substring(1);
        }
        String[] lines = utf8.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.charAt(0) == '#' || trimmed.charAt(0) == '!') {
                continue;
            }
            for (int k = 0; k < line.length(); k = line.offsetByCodePoints(k, 1)) {
                int c = line.codePointAt(k);
                if (c < 0x80) {
                    continue;
                }
                String character = new String(Character.toChars(c));
                String read = new String(character.getBytes(StandardCharsets.UTF_8), encoding);
                if (read.equals(character)) {
                    return Optional.empty(); // FileInstall reads it as UTF-8 too
                }
                StringBuilder escaped = new StringBuilder();
                for (char u : character.toCharArray()) {
                    escaped.append(String.format(Locale.ROOT, "\\u%04x", (int) u));
                }
                return Optional.of(new TypedConfigFile.Problem(i + 1, "the file is saved as UTF-8, but FileInstall"
                        + " reads a .config file as " + encoding.name() + " (framework property " + ENCODING + "), so '"
                        + character + "' would be read as '" + read + "'; write it as " + escaped + ", or set "
                        + ENCODING + "=UTF-8"));
            }
        }
        return Optional.empty();
    }

    private static String refused(File artifact) {
        return "goflow: " + artifact.getPath() + " is not a valid typed .config file, so no configuration is created"
                + " or changed from it (one made from an earlier version of the file stays as it was);"
                + " FileInstall alone would read it wrongly or fail on it:";
    }
}
