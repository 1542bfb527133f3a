/**
 * Scheduling: a {@link goflow.api.schedule.Scheduler} runs {@link goflow.api.schedule.Job jobs}
 * once after a delay, at an instant, at a fixed rate, with a fixed delay, or by a
 * {@link goflow.api.schedule.Cron cron expression}, on a worker pool, with the time of an injected
 * {@link goflow.api.Clock}. A {@link goflow.api.schedule.LeaseProvider} (goflow.redis has one) makes a task
 * run once per fleet: of the schedulers of several nodes, the one holding the task's
 * {@link goflow.api.schedule.Lease lease} runs it.
 */
@Export
@Version("0.3.0")
package goflow.api.schedule;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
