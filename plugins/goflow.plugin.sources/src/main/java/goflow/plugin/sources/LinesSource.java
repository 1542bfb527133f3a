package goflow.plugin.sources;

import java.io.BufferedReader;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.context.Context;
import goflow.api.stream.StreamSource;

/**
 * The {@value #NAME} source: the lines of a text file. Each stream opens the file anew (a missing
 * file makes the terminal operation fail with a {@code NoSuchFileException} naming it) and the
 * file is closed when the operation ends, however it ends.
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

    private final Path path;
    private final Charset charset;

    /**
     * Creates the source from its configuration.
     *
     * @param config the configuration
     */
    @Activate
    public LinesSource(LinesConfig config) {
        this(Path.of(config.path()), charset(config.goflow_source_name(), config.charset()));
    }

    /**
     * Creates the source from plain values.
     *
     * @param path the file
     * @param charset its character set
     */
    public LinesSource(Path path, Charset charset) {
        this.path = path;
        this.charset = charset;
    }

    private static Charset charset(String source, String name) {
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new IllegalArgumentException("source '" + source + "': charset '" + name + "' is not supported", e);
        }
    }

    @Override
    public Cursor<String> open(Context ctx) throws Exception {
        BufferedReader reader = Files.newBufferedReader(path, charset);
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
