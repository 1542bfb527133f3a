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
 * An optional prefix {@code TZ=<zone> } or {@code CRON_TZ=<zone> } (an IANA zone id) sets the time
 * zone; it overrides the zone given to the factory. Descriptors: {@code @yearly} and
 * {@code @annually} ({@code 0 0 1 1 *}), {@code @monthly} ({@code 0 0 1 * *}), {@code @weekly}
 * ({@code 0 0 * * 0}), {@code @daily} and {@code @midnight} ({@code 0 0 * * *}), {@code @hourly}
 * ({@code 0 * * * *}), and {@code @every <duration>} with a Go-style duration such as
 * {@code 1h30m}, {@code 10s} or {@code 250ms} (or ISO-8601 {@code PT10S}), which fires every
 * duration after the previous fire.
 *
 * <p><b>Day of month and day of week</b> combine as in Vixie cron: when both fields are restricted
 * (neither starts with {@code *} or {@code ?}) a day matches if <em>either</em> matches
 * ({@code 0 9 15 * MON} fires on the 15th and on every Monday); otherwise both must match.
 *
 * <p><b>Rejected at parse time</b> with a {@link CronSyntaxException} naming the field and the
 * offending token: malformed syntax, values out of range, unknown names, a step of zero or larger
 * than the field's range, reversed ranges, and expressions that can never fire, such as
 * {@code 0 0 30 2 *} (30 February).
 *
 * <p><b>Daylight-saving time.</b> Fields are matched against the wall clock of the zone. A wall
 * time that falls in a gap (clocks jump forward) fires at the first instant after the gap, once
 * however many fire times the gap swallowed, so a daily job at 02:30 still runs on the day clocks
 * skip from 02:00 to 03:00. A wall time that occurs twice (clocks fall back) fires only at its
 * first occurrence, so a daily job at 02:30 runs once on the day clocks go from 03:00 back to
 * 02:00.
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
     * @param after the reference time, in any zone
     * @return the next fire time, in {@link #zone()}
     */
    ZonedDateTime next(ZonedDateTime after);

    /**
     * Returns the earliest fire time strictly after {@code after}.
     *
     * @param after the reference instant
     * @return the next fire instant
     */
    Instant next(Instant after);
}
