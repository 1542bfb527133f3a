package goflow.plugin.sources;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.context.Context;
import goflow.api.stream.StreamSource;

/**
 * The {@value #NAME} source: the lines of a text file. Each stream opens the file anew (a missing
 * file makes the terminal operation fail with a {@code NoSuchFileException} naming it, a directory
 * with a {@code FileSystemException} naming it) and the
 * file is closed when the operation ends, however it ends. A byte order mark at the start of the
 * file (U+FEFF, which some editors write at the start of UTF-8 too) is not part of the first line.
 *
 * <p>A line is at most {@code maxLineLength} characters (UTF-16 units, as {@link String#length()}
 * counts them; the terminator {@code \n}, {@code \r} or {@code \r\n} excluded; default
 * {@value #DEFAULT_MAX_LINE_LENGTH}). A longer one fails the terminal operation with an
 * {@code IOException} naming the source, the file, the line number and the limit, once one
 * character too many has been read: the rest of the line is never read, so a file without line
 * ends, however large, takes no more memory than the limit. The lines before it have been
 * delivered.
 *
 * <p>Bytes that are not in the charset (not UTF-8, by default) fail the terminal operation with an
 * {@code IOException} naming the source, the file, the line number, the charset and the offset of
 * the bad bytes in the file, once the lines before them have been delivered.
 *
 * <p>Immutable after construction, so thread-safe; each cursor has its own reader.
 */
@Component(service = StreamSource.class, configurationPid = LinesConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = StreamSource.NAME_PROPERTY + "=" + LinesSource.NAME)
@Designate(ocd = LinesConfig.class)
public final class LinesSource implements StreamSource<String> {
    /** The source's default name: {@value}. */
    public static final String NAME = "lines";
    /** The default of {@code maxLineLength}: {@value} characters (1 Mi). */
    public static final int DEFAULT_MAX_LINE_LENGTH = 1 << 20;

    private final String name;
    private final Path path;
    private final Charset charset;
    private final int maxLineLength;

    /**
     * Creates the source from its configuration. {@code maxLineLength} is read from the raw
     * properties, so that a value of the wrong type is rejected naming the property and the value
     * (DS's own conversion would name neither, or truncate a number too large for an {@code int}).
     *
     * @param config the configuration
     * @param properties the same configuration, as raw properties
     * @throws IllegalArgumentException naming the source, the property, the value and the rule if
     *     {@code charset} is not supported, {@code path} or {@code charset} is a list of other than
     *     one value (DS would take its first), or {@code maxLineLength} is not a whole number from 1
     *     to 2147483647
     */
    @Activate
    public LinesSource(LinesConfig config, Map<String, Object> properties) {
        this(config.goflow_source_name(),
                Path.of(Texts.single(config.goflow_source_name(), "path", config.path(), properties)),
                charset(config.goflow_source_name(),
                        Texts.single(config.goflow_source_name(), "charset", config.charset(), properties)),
                Numbers.intProperty(config.goflow_source_name(), "maxLineLength", properties,
                        DEFAULT_MAX_LINE_LENGTH, 1, Integer.MAX_VALUE));
    }

    /**
     * Creates the source from plain values, with lines of at most
     * {@value #DEFAULT_MAX_LINE_LENGTH} characters.
     *
     * @param path the file
     * @param charset its character set
     */
    public LinesSource(Path path, Charset charset) {
        this(path, charset, DEFAULT_MAX_LINE_LENGTH);
    }

    /**
     * Creates the source from plain values.
     *
     * @param path the file
     * @param charset its character set
     * @param maxLineLength the longest line read, in characters, terminator excluded
     * @throws IllegalArgumentException if {@code maxLineLength} is less than 1
     */
    public LinesSource(Path path, Charset charset, int maxLineLength) {
        this(NAME, path, charset, maxLineLength);
    }

    private LinesSource(String name, Path path, Charset charset, int maxLineLength) {
        this.name = name;
        this.path = path;
        this.charset = charset;
        this.maxLineLength = Numbers.whole(name, "maxLineLength", maxLineLength, 1, Integer.MAX_VALUE);
    }

    private static Charset charset(String source, String name) {
        try {
            return Charset.forName(name.strip()); // a .cfg line keeps trailing white space
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new IllegalArgumentException("source '" + source + "': charset '" + name + "' is not supported", e);
        }
    }

    @Override
    public Cursor<String> open(Context ctx) throws Exception {
        if (Files.isDirectory(path)) {
            // else opening succeeds and the first read fails with "Is a directory", naming nothing
            throw new FileSystemException(path.toAbsolutePath().toString(), null,
                    "source '" + name + "' reads a file, not a directory");
        }
        LineReader reader = new LineReader(Files.newInputStream(path), charset.newDecoder(), maxLineLength, name,
                path.toAbsolutePath());
        return new Cursor<>() {
            @Override
            public boolean tryAdvance(Context c, Consumer<? super String> action) throws Exception {
                String line = reader.readLine();
                if (line == null) {
                    return false;
                }
                action.accept(line);
                return true;
            }

            @Override
            public void close() throws Exception {
                reader.close();
            }
        };
    }
}
