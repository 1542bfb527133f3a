/** The worker pool implementation: {@link goflow.impl.pool.WorkerPoolImpl} and its builder. */
package goflow.impl.pool;
