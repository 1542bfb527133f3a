/**
 * Record stages, each a Declarative Services component registering a
 * {@link goflow.api.pipeline.Stage} service with {@code goflow.stage.name}: {@code parse-kv} and
 * {@code parse-csv} turn a line into a record (an ordered {@code Map<String, String>}),
 * {@code require} validates required fields, {@code timestamp} adds the processing time,
 * {@code project} keeps chosen fields and {@code format-kv} turns a record back into a
 * {@code key=value} line. Stages never modify their input record: they return a new one.
 * Private to this bundle: nothing is exported.
 */
package goflow.plugin.records;
