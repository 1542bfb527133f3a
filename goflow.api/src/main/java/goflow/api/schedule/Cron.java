package goflow.api.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A parsed cron expression: computes the next time it fires. Obtain one from
 * {@link goflow.api.GoFlow#cron(String)} or {@link goflow.api.GoFlow#cron(String, ZoneId)}, or let
 * {@link Scheduler#cron(String, Job)} parse the text.
 *
 * <p><b>Syntax.</b> Five fields {@code minute hour day-of-month month day-of-week}, or six with a
 * leading {@code second} field, separated by blanks. Each field is {@code *} or {@code ?} (any),
 * a value, a range {@code a-b}, a step {@code *}{@code /n}, {@code a-b/n} or {@code a/n} (from
 * {@code a} to the field's maximum), or a comma-separated list of those. Ranges: second and minute
 * 0-59, hour 0-23, day-of-month 1-31, month 1-12 or {@code JAN}-{@code DEC}, day-of-week 0-7 or
 * {@code SUN}-{@code SAT} (0 and 7 are Sunday); names are case-insensitive. Ranges do not wrap
 * ({@code FRI-MON} is an error; write {@code FRI-7,1} or {@code FRI,SAT,SUN,MON}).
 * An optional prefix {@code TZ=<zone> } or {@code CRON_TZ=<zone> } sets the time zone; it
 * overrides the zone given to the factory. The zone is an IANA zone id, as listed by
 * {@link ZoneId#getAvailableZoneIds()} ({@code Europe/Berlin}, {@code UTC}, {@code Etc/GMT-1});
 * a UTC offset such as {@code +01:00}, {@code UTC+1} or {@code Z} is rejected (write
 * {@code Etc/GMT-1} for a fixed UTC+01:00, or give the offset as the factory's zone).
 * Descriptors, case-insensitive like the names: {@code @yearly} and
 * {@code @annually} ({@code 0 0 1 1 *}), {@code @monthly} ({@code 0 0 1 * *}), {@code @weekly}
 * ({@code 0 0 * * 0}), {@code @daily} and {@code @midnight} ({@code 0 0 * * *}), {@code @hourly}
 * ({@code 0 * * * *}), and {@code @every <duration>} with a Go-style duration such as
 * {@code 1h30m}, {@code 10s} or {@code 250ms} (or ISO-8601 {@code PT10S}), at least 1 ms, which
 * fires every duration after the previous fire.
 *
 * <p><b>Day of month and day of week</b> combine as in Vixie cron: when both fields are restricted
 * (neither starts with {@code *} or {@code ?}) a day matches if <em>either</em> matches
 * ({@code 0 9 15 * MON} fires on the 15th and on every Monday); otherwise both must match.
 *
 * <p><b>Rejected at parse time</b> with a {@link CronSyntaxException} naming the field and the
 * offending token: malformed syntax, values out of range, unknown names, a step of zero, a step at
 * least as long as the field's whole range (it would select only the first value, as
 * {@code *}{@code /31} does in the day-of-month field: write the value alone or a shorter step),
 * reversed ranges, a UTC offset as the zone prefix, an {@code @every} duration under 1 ms or over 292 years, and
 * expressions that can never fire, such as {@code 0 0 30 2 *} (30 February).
 *
 * <p><b>Daylight-saving time</b> (the rule of cronie, the cron of most Linux systems). Fields are
 * matched against the wall clock of the zone; what happens when that clock jumps depends on the
 * kind of expression:
 * <ul>
 * <li><em>A job at particular times</em>: no {@code *} or {@code ?} leads its second, minute or
 * hour field ({@code 30 2 * * *}, {@code 0 9-17 * * MON-FRI}, {@code 0-59/15 1-2 * * *},
 * {@code @daily}, {@code @midnight}, {@code @weekly}, {@code @monthly}, {@code @yearly},
 * {@code @annually}). A wall time that falls in a gap (clocks jump forward) fires at the end of the
 * gap, once however many fire times the gap swallowed; a wall time that occurs twice (clocks fall
 * back) fires only at its first occurrence. So a daily job runs exactly once on both change days.
 * <li><em>An interval-style job</em>: a {@code *} or {@code ?} leads its second, minute or hour
 * field, steps such as {@code *}{@code /15} included ({@code *}{@code /15 * * * *},
 * {@code 0 * * * *}, {@code 33-55/13 * * * 0}, {@code @hourly}), and {@code @every}. It follows
 * elapsed time: when clocks fall back it fires at every matching wall time of both offsets, and
 * it skips the wall times that a gap removes. So an hourly job runs 25 times on a 25-hour day and
 * 23 times on a 23-hour day, and {@code *}{@code /15 * * * *} runs every 15 minutes throughout.
 * </ul>
 * <table class="striped">
 * <caption>Fire times across the 2024 changes (ISO offset date-times, on the change day)</caption>
 * <thead>
 * <tr><th scope="col">expression</th><th scope="col">zone and change</th><th scope="col">fires</th></tr>
 * </thead>
 * <tbody>
 * <tr><td>{@code 30 2 * * *}</td><td>Europe/Berlin, 03-31 02:00+01:00 &rarr; 03:00+02:00</td>
 *     <td>03:00+02:00</td></tr>
 * <tr><td>{@code 30 2 * * *}</td><td>Europe/Berlin, 10-27 03:00+02:00 &rarr; 02:00+01:00</td>
 *     <td>02:30+02:00 only</td></tr>
 * <tr><td>{@code *}{@code /15 * * * *}</td><td>Europe/Berlin, 03-31</td>
 *     <td>01:30+01:00, 01:45+01:00, 03:00+02:00, 03:15+02:00</td></tr>
 * <tr><td>{@code *}{@code /15 * * * *}</td><td>Europe/Berlin, 10-27</td>
 *     <td>02:45+02:00, 02:00+01:00, 02:15+01:00, &hellip; 02:45+01:00, 03:00+01:00</td></tr>
 * <tr><td>{@code 30 1 * * *}</td><td>America/New_York, 11-03 02:00-04:00 &rarr; 01:00-05:00</td>
 *     <td>01:30-04:00 only</td></tr>
 * <tr><td>{@code 0 * * * *}</td><td>America/New_York, 11-03</td>
 *     <td>01:00-04:00, 01:00-05:00, 02:00-05:00</td></tr>
 * <tr><td>{@code 0 * * * *}</td><td>America/New_York, 03-10 02:00-05:00 &rarr; 03:00-04:00</td>
 *     <td>01:00-05:00, 03:00-04:00</td></tr>
 * <tr><td>{@code 33-55/13 * * * 0}</td><td>America/New_York, 03-10</td>
 *     <td>01:46-05:00, 03:33-04:00</td></tr>
 * <tr><td>{@code 45 1 * * *}</td><td>Australia/Lord_Howe, 04-07 02:00+11:00 &rarr; 01:30+10:30</td>
 *     <td>01:45+11:00 only</td></tr>
 * <tr><td>{@code 15 2 * * *}</td><td>Australia/Lord_Howe, 10-06 02:00+10:30 &rarr; 02:30+11:00</td>
 *     <td>02:30+11:00</td></tr>
 * <tr><td>{@code *}{@code /15 * * * *}</td><td>Australia/Lord_Howe, 04-07</td>
 *     <td>01:30+11:00, 01:45+11:00, 01:30+10:30, 01:45+10:30, 02:00+10:30</td></tr>
 * <tr><td>{@code 10 * * * *}</td><td>Australia/Lord_Howe, 10-06</td>
 *     <td>01:10+10:30, 03:10+11:00</td></tr>
 * </tbody>
 * </table>
 * An {@code @every} expression is a fixed interval of elapsed time and is not affected by these
 * changes.
 *
 * <p>Immutable and thread-safe.
 */
/*
 * Why an interface with the parser in goflow.impl (and GoFlow.cron(...) as the factory) rather than
 * a concrete value class here: goflow.api holds contracts only (DESIGN.md "Module boundaries"), so
 * fixes to the parser or the search never change the exported API and its semantic version; the
 * scheduler and Configuration Admin validation share the one implementation. The cost is that
 * parsing needs a GoFlow, which every user of the scheduler has anyway.
 */
@ProviderType
public interface Cron {

    /**
     * Returns the expression as given, including a time-zone prefix if it had one.
     *
     * @return the expression text
     */
    String expression();

    /**
     * Returns the time zone the fields are evaluated in: the expression's {@code TZ=} prefix, else
     * the zone given to the factory.
     *
     * @return the zone
     */
    ZoneId zone();

    /**
     * Returns the earliest fire time strictly after {@code after}.
     *
     * <p>Every accepted expression fires again within 400 years (the calendar repeats every 400;
     * mostly within one, but a 29 February that must also fall on given weekdays can be decades
     * away), so there is always an answer except near the end of the supported range of dates
     * (the year 999,999,999, where
     * {@link ZonedDateTime} ends): then, when no fire time follows that a {@code ZonedDateTime}
     * can hold, this throws a {@link java.time.DateTimeException} saying so. A {@link Scheduler}
     * ends such a task ({@link ScheduledTask.State#DONE}) after its last run.
     *
     * @param after the reference time, in any zone
     * @return the next fire time, in {@link #zone()}
     * @throws java.time.DateTimeException if no fire time follows within the supported range
     */
    ZonedDateTime next(ZonedDateTime after);

    /**
     * Returns the earliest fire time strictly after {@code after}.
     *
     * <p>As {@link #next(ZonedDateTime)}: near the end of the supported range of dates, when no
     * fire time follows ({@link Instant#MAX} for {@code @every}, the last local date-time of the
     * zone for the others), this throws a {@link java.time.DateTimeException} saying so.
     *
     * @param after the reference instant
     * @return the next fire instant
     * @throws java.time.DateTimeException if no fire time follows within the supported range
     */
    Instant next(Instant after);
}
