/**
 * The implementation of goflow.redis: the connection with its hard timeout and reconnection, the
 * Lua scripts, the limiters, their local fallback buckets and leases, and the lease provider.
 * Not exported.
 */
package goflow.redis.internal;
