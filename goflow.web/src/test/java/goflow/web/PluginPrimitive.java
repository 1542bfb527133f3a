package goflow.web;

import java.util.Map;

import goflow.api.Primitive;
import goflow.api.inspect.Stats;

/**
 * A plugin's primitive as the dashboard lists it (registered with {@code GoFlow.register}): a
 * name, a kind and whatever figures the test gives it, odd names and values included.
 *
 * @param name the name
 * @param kind the kind
 * @param figures the figures its {@code stats()} returns
 */
record PluginPrimitive(String name, Primitive.Kind kind, Map<String, Object> figures) implements Primitive {
    @Override
    public Stats stats() {
        return new Stats() {
            @Override
            public Map<String, Object> toMap() {
                return figures;
            }
        };
    }

    @Override
    public void close() {
        // nothing to release
    }
}
