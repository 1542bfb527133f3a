package goflow.plugin.sources;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the {@code lines} source (PID {@value #PID}; optional). */
@ObjectClassDefinition(id = LinesConfig.PID, name = "goflow lines source",
        description = "The lines of a text file, read anew by each stream.")
public @interface LinesConfig {
    /** The configuration PID. */
    String PID = "goflow.plugin.sources.lines";

    /**
     * The source's name.
     *
     * @return the name
     */
    @AttributeDefinition(name = "Source name", description = "The goflow.source.name of this source.")
    String goflow_source_name() default LinesSource.NAME;

    /**
     * The file.
     *
     * @return the path, relative to the working directory or absolute
     */
    @AttributeDefinition(name = "Path", description = "The file, relative to the working directory or absolute. "
            + "Default: input.txt.")
    String path() default "input.txt";

    /**
     * The character set.
     *
     * @return a charset name
     */
    @AttributeDefinition(name = "Charset", description = "The file's character set. Default: UTF-8.")
    String charset() default "UTF-8";

    /**
     * The longest line read; a longer one fails the stream.
     *
     * @return characters, terminator excluded, from 1
     */
    @AttributeDefinition(name = "Max line length", min = "1", description = "The longest line read, in characters "
            + "(UTF-16 units), the line end excluded. A longer line fails the stream with an error naming the file, "
            + "the line number and this limit, without reading the rest of the line, so memory stays bounded. "
            + "A whole number from 1. Default: 1048576 (1 Mi).")
    int maxLineLength() default LinesSource.DEFAULT_MAX_LINE_LENGTH;
}
