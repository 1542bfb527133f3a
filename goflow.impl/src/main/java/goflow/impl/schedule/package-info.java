/**
 * The scheduler and the cron parser behind {@link goflow.api.schedule}. Private to the
 * implementation.
 */
package goflow.impl.schedule;
