/**
 * The demo traffic: a DS component feeding the default demo pipeline through a token bucket, a
 * worker pool and a concurrency limiter, so that {@code goflow:stats} shows live figures. Private
 * to this bundle.
 */
package goflow.container.demo;
