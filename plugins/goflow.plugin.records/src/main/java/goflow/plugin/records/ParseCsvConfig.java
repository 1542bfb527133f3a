package goflow.plugin.records;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the {@code parse-csv} stage (PID {@value #PID}; optional). */
@ObjectClassDefinition(id = ParseCsvConfig.PID, name = "goflow parse-csv stage",
        description = "Parses a CSV line into a record, with the configured column names.")
public @interface ParseCsvConfig {
    /** The configuration PID. */
    String PID = "goflow.plugin.records.parsecsv";

    /**
     * The stage's name.
     *
     * @return the name
     */
    @AttributeDefinition(name = "Stage name", description = "The goflow.stage.name of this stage.")
    String goflow_stage_name() default ParseCsvStage.NAME;

    /**
     * The column names.
     *
     * @return the names in order, or empty for {@code c1, c2, ...}
     */
    @AttributeDefinition(name = "Columns", required = false, cardinality = Integer.MAX_VALUE,
            description = "Column names in order, unique and not blank. Empty: c1, c2, ... "
                    + "A line with more fields than columns fails.")
    String[] columns() default {};

    /**
     * The delimiter.
     *
     * @return one character
     */
    @AttributeDefinition(name = "Delimiter", description = "The field delimiter, one character. Default: comma.")
    String delimiter() default ",";
}
