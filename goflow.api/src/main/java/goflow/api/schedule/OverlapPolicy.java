package goflow.api.schedule;

/** What a repeating task does when it comes due while its previous run is still queued or running. */
public enum OverlapPolicy {
    /** Skip this run (counted in {@link ScheduledTask#skippedCount()}); the default. */
    SKIP,
    /** Start another run, concurrently with the previous one. */
    ALLOW
}
