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
}
