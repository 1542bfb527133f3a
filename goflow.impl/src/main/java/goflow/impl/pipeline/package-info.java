/**
 * Pipelines: the typed builder, single executions (inline or on an executor), streaming runs,
 * statistics and the in-memory stage registry. Private to the implementation.
 */
package goflow.impl.pipeline;
