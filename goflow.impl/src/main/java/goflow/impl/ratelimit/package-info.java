/**
 * Rate and concurrency limiter implementations: the lock-free bucket engine shared by the token
 * bucket, the leaky bucket and the per-key limiter, and the concurrency limiter. Private to the
 * implementation.
 */
package goflow.impl.ratelimit;
