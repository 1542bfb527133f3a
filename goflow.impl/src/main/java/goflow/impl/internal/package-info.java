/**
 * Machinery every primitive shares: the registry of live primitives, argument validation and
 * waiting. Private to the implementation.
 */
package goflow.impl.internal;
