package goflow.impl.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import goflow.api.schedule.Cron;

/**
 * The daylight-saving rule of {@link Cron} (cronie's): a job at a particular time runs once when
 * its wall time repeats and at the end of a gap when its wall time is skipped; an interval-style
 * job (a {@code *} leading its second, minute or hour field, {@code @hourly}, {@code @every})
 * follows elapsed time: every matching wall time of both offsets in an overlap, and none of the
 * wall times a gap removes.
 *
 * <p>The 2024 changes used below: Europe/Berlin 03-31 02:00 +01:00 → 03:00 +02:00 (gap) and
 * 10-27 03:00 +02:00 → 02:00 +01:00 (overlap); America/New_York 03-10 02:00 -05:00 → 03:00
 * -04:00 and 11-03 02:00 -04:00 → 01:00 -05:00; Australia/Lord_Howe (a 30-minute change) 04-07
 * 02:00 +11:00 → 01:30 +10:30 and 10-06 02:00 +10:30 → 02:30 +11:00.
 */
class CronDaylightSavingTest {

    /** The fire times after {@code after}, as ISO offset date-times in the expression's zone. */
    private static List<String> fires(String expr, String zone, String after, int count) {
        Cron cron = CronExpression.parse(expr, ZoneId.of(zone));
        List<String> out = new ArrayList<>();
        ZonedDateTime t = OffsetDateTime.parse(after).toZonedDateTime();
        for (int i = 0; i < count; i++) {
            t = cron.next(t);
            out.add(t.toOffsetDateTime().toString());
        }
        return out;
    }

    private static void check(String expr, String zone, String after, String expected) {
        List<String> want = Arrays.asList(expected.strip().split("\\s+"));
        assertEquals(want, fires(expr.strip(), zone.strip(), after.strip(), want.size()),
                expr.strip() + " in " + zone.strip() + " after " + after.strip());
    }

    @ParameterizedTest(name = "{0} in {1} after {2}")
    @CsvSource(delimiter = '|', value = {
        // ---- Europe/Berlin, fall back 2024-10-27: 02:00-02:59 happens at +02:00, then again at +01:00
        "*/15 * * * *     | Europe/Berlin | 2024-10-27T01:50+02:00 | 2024-10-27T02:00+02:00 2024-10-27T02:15+02:00 "
                + "2024-10-27T02:30+02:00 2024-10-27T02:45+02:00 2024-10-27T02:00+01:00 2024-10-27T02:15+01:00 "
                + "2024-10-27T02:30+01:00 2024-10-27T02:45+01:00 2024-10-27T03:00+01:00",
        "*/15 * * * *     | Europe/Berlin | 2024-10-27T02:40+02:00 | 2024-10-27T02:45+02:00 2024-10-27T02:00+01:00 "
                + "2024-10-27T02:15+01:00",
        "0 * * * *        | Europe/Berlin | 2024-10-27T01:30+02:00 | 2024-10-27T02:00+02:00 2024-10-27T02:00+01:00 "
                + "2024-10-27T03:00+01:00",
        "@every 30m       | Europe/Berlin | 2024-10-27T02:00+02:00 | 2024-10-27T02:30+02:00 2024-10-27T02:00+01:00 "
                + "2024-10-27T02:30+01:00",
        "* * * * * *      | Europe/Berlin | 2024-10-27T02:59:58+02:00 | 2024-10-27T02:59:59+02:00 "
                + "2024-10-27T02:00+01:00 2024-10-27T02:00:01+01:00",
        // a * leading the second field makes it interval-style, whatever its minute and hour
        "*/20 30 2 * * *  | Europe/Berlin | 2024-10-27T02:30:30+02:00 | 2024-10-27T02:30:40+02:00 "
                + "2024-10-27T02:30+01:00 2024-10-27T02:30:20+01:00 2024-10-27T02:30:40+01:00 2024-10-28T02:30+01:00",
        // ---- Europe/Berlin, spring forward 2024-03-31: 02:00-02:59 does not exist
        "*/15 * * * *     | Europe/Berlin | 2024-03-31T01:20+01:00 | 2024-03-31T01:30+01:00 2024-03-31T01:45+01:00 "
                + "2024-03-31T03:00+02:00 2024-03-31T03:15+02:00",
        "33-55/13 * * * 0 | Europe/Berlin | 2024-03-31T01:40+01:00 | 2024-03-31T01:46+01:00 2024-03-31T03:33+02:00 "
                + "2024-03-31T03:46+02:00",
        "*/20 30 2 * * *  | Europe/Berlin | 2024-03-30T12:00+01:00 | 2024-04-01T02:30+02:00 2024-04-01T02:30:20+02:00",
        // ---- America/New_York, fall back 2024-11-03: 01:00-01:59 happens at -04:00, then again at -05:00
        "0 * * * *        | America/New_York | 2024-11-03T00:30-04:00 | 2024-11-03T01:00-04:00 2024-11-03T01:00-05:00 "
                + "2024-11-03T02:00-05:00 2024-11-03T03:00-05:00",
        "@hourly          | America/New_York | 2024-11-03T00:30-04:00 | 2024-11-03T01:00-04:00 2024-11-03T01:00-05:00 "
                + "2024-11-03T02:00-05:00",
        "*/30 * * * *     | America/New_York | 2024-11-03T01:10-05:00 | 2024-11-03T01:30-05:00 2024-11-03T02:00-05:00",
        // ---- America/New_York, spring forward 2024-03-10: 02:00-02:59 does not exist
        "0 * * * *        | America/New_York | 2024-03-10T00:30-05:00 | 2024-03-10T01:00-05:00 2024-03-10T03:00-04:00 "
                + "2024-03-10T04:00-04:00",
        "33-55/13 * * * 0 | America/New_York | 2024-03-10T01:40-05:00 | 2024-03-10T01:46-05:00 2024-03-10T03:33-04:00",
        // ---- Australia/Lord_Howe, fall back 2024-04-07: 01:30-01:59 happens at +11:00, then again at +10:30
        "*/15 * * * *     | Australia/Lord_Howe | 2024-04-07T01:10+11:00 | 2024-04-07T01:15+11:00 "
                + "2024-04-07T01:30+11:00 2024-04-07T01:45+11:00 2024-04-07T01:30+10:30 2024-04-07T01:45+10:30 "
                + "2024-04-07T02:00+10:30",
        "40 * * * *       | Australia/Lord_Howe | 2024-04-07T01:00+11:00 | 2024-04-07T01:40+11:00 "
                + "2024-04-07T01:40+10:30 2024-04-07T02:40+10:30",
        // the hours themselves shift by 30 minutes: 01:00 +11:00 and 02:00 +10:30 are 90 minutes apart
        "0 * * * *        | Australia/Lord_Howe | 2024-04-07T00:30+11:00 | 2024-04-07T01:00+11:00 "
                + "2024-04-07T02:00+10:30",
        // ---- Australia/Lord_Howe, spring forward 2024-10-06: 02:00-02:29 does not exist
        "10 * * * *       | Australia/Lord_Howe | 2024-10-06T01:00+10:30 | 2024-10-06T01:10+10:30 2024-10-06T03:10+11:00 "
                + "2024-10-06T04:10+11:00",
        "*/15 * * * *     | Australia/Lord_Howe | 2024-10-06T01:40+10:30 | 2024-10-06T01:45+10:30 "
                + "2024-10-06T02:30+11:00 2024-10-06T02:45+11:00",
    })
    void intervalJobsFollowElapsedTime(String expr, String zone, String after, String expected) {
        check(expr, zone, after, expected);
    }

    @ParameterizedTest(name = "{0} in {1} after {2}")
    @CsvSource(delimiter = '|', value = {
        // ---- Europe/Berlin: a repeated wall time runs once (first occurrence); a skipped one at the end of the gap
        "30 2 * * *       | Europe/Berlin | 2024-10-26T12:00+02:00 | 2024-10-27T02:30+02:00 2024-10-28T02:30+01:00",
        "30 2 * * *       | Europe/Berlin | 2024-10-27T02:10+01:00 | 2024-10-28T02:30+01:00",
        "30 2 * * *       | Europe/Berlin | 2024-03-30T12:00+01:00 | 2024-03-31T03:00+02:00 2024-04-01T02:30+02:00",
        "0,30 2 * * *     | Europe/Berlin | 2024-03-30T12:00+01:00 | 2024-03-31T03:00+02:00 2024-04-01T02:00+02:00",
        "@daily           | Europe/Berlin | 2024-10-26T12:00+02:00 | 2024-10-27T00:00+02:00 2024-10-28T00:00+01:00",
        // no * leads the minute or hour field: a job at particular times, even with a step
        "0-59/15 1-2 * * * | Europe/Berlin | 2024-10-27T01:50+02:00 | 2024-10-27T02:00+02:00 2024-10-27T02:15+02:00 "
                + "2024-10-27T02:30+02:00 2024-10-27T02:45+02:00 2024-10-28T01:00+01:00",
        // ---- America/New_York
        "30 1 * * *       | America/New_York | 2024-11-02T12:00-04:00 | 2024-11-03T01:30-04:00 2024-11-04T01:30-05:00",
        "0 1-3 * * *      | America/New_York | 2024-11-03T00:00-04:00 | 2024-11-03T01:00-04:00 2024-11-03T02:00-05:00 "
                + "2024-11-03T03:00-05:00 2024-11-04T01:00-05:00",
        "30 2 * * *       | America/New_York | 2024-03-09T12:00-05:00 | 2024-03-10T03:00-04:00 2024-03-11T02:30-04:00",
        "0 1-3 * * *      | America/New_York | 2024-03-10T00:00-05:00 | 2024-03-10T01:00-05:00 2024-03-10T03:00-04:00 "
                + "2024-03-11T01:00-04:00",
        "0 0 2 * * *      | America/New_York | 2024-03-10T01:59:59-05:00 | 2024-03-10T03:00-04:00 2024-03-11T02:00-04:00",
        // ---- Australia/Lord_Howe (30 minutes)
        "45 1 * * *       | Australia/Lord_Howe | 2024-04-06T12:00+11:00 | 2024-04-07T01:45+11:00 2024-04-08T01:45+10:30",
        "15 2 * * *       | Australia/Lord_Howe | 2024-10-05T12:00+10:30 | 2024-10-06T02:30+11:00 2024-10-07T02:15+11:00",
    })
    void jobsAtParticularTimesRunOnce(String expr, String zone, String after, String expected) {
        check(expr, zone, after, expected);
    }

    @ParameterizedTest(name = "{0}: follows elapsed time {1}")
    @CsvSource(delimiter = '|', value = {
        "30 2 * * *                  | false",
        "0 9-17 * * MON-FRI          | false",
        "0-59/15 1-2 * * *           | false",
        "0 0 2 * * *                 | false",
        "@daily                      | false",
        "@midnight                   | false",
        "@weekly                     | false",
        "@monthly                    | false",
        "@yearly                     | false",
        "@annually                   | false",
        "*/15 * * * *                | true",
        "0 * * * *                   | true",
        "0 */2 * * *                 | true",
        "0-59/15 * * * *             | true",
        "33-55/13 * * * 0            | true",
        "*,5 9 * * *                 | true",
        "0 ? 9 * * *                 | true",
        "* 30 2 * * *                | true",
        "@hourly                     | true",
        "@every 5m                   | true",
        "TZ=Europe/Berlin */5 * * * * | true",
    })
    void whichKindOfJobAnExpressionIs(String expr, boolean followsElapsedTime) {
        assertEquals(followsElapsedTime, CronExpression.parse(expr.strip(), ZoneId.of("UTC")).followsElapsedTime());
    }

    @ParameterizedTest(name = "{0} in {1}")
    @CsvSource(delimiter = '|', value = {
        "*/15 * * * * | Europe/Berlin       | PT15M",
        "*/15 * * * * | America/New_York    | PT15M",
        "*/15 * * * * | Australia/Lord_Howe | PT15M",
        "*/30 * * * * | Australia/Lord_Howe | PT30M",
        "0 * * * *    | Europe/Berlin       | PT1H",
        "0 * * * *    | America/New_York    | PT1H",
    })
    void intervalJobsNeverPauseOrBunchUpAllYear(String expr, String zone, String period) {
        Cron cron = CronExpression.parse(expr.strip(), ZoneId.of(zone.strip()));
        Duration step = Duration.parse(period.strip());
        Instant t = cron.next(Instant.parse("2024-01-01T00:00:00Z"));
        Instant end = Instant.parse("2025-01-01T00:00:00Z");
        while (t.isBefore(end)) {
            Instant n = cron.next(t);
            assertEquals(step, Duration.between(t, n), expr + " in " + zone + " after " + t.atZone(cron.zone()));
            t = n;
        }
    }

    @ParameterizedTest(name = "{0} in {1} on {2}")
    @CsvSource(delimiter = '|', value = {
        // an hourly job runs once per elapsed hour: 25 runs on a 25-hour day, 23 on a 23-hour day
        "0 * * * *    | Europe/Berlin       | 2024-10-27 | 25",
        "0 * * * *    | Europe/Berlin       | 2024-03-31 | 23",
        "0 * * * *    | America/New_York    | 2024-11-03 | 25",
        "@hourly      | America/New_York    | 2024-03-10 | 23",
        // 24.5 and 23.5 hours: the repeated 01:30 runs twice, the skipped 02:00 not at all
        "*/30 * * * * | Australia/Lord_Howe | 2024-04-07 | 49",
        "*/30 * * * * | Australia/Lord_Howe | 2024-10-06 | 47",
        // a daily job runs once on either kind of day
        "30 2 * * *   | Europe/Berlin       | 2024-03-31 | 1",
        "30 2 * * *   | Europe/Berlin       | 2024-10-27 | 1",
        "45 1 * * *   | Australia/Lord_Howe | 2024-04-07 | 1",
        "15 2 * * *   | Australia/Lord_Howe | 2024-10-06 | 1",
    })
    void runsOnAChangeDay(String expr, String zone, String day, int runs) {
        ZoneId z = ZoneId.of(zone.strip());
        Cron cron = CronExpression.parse(expr.strip(), z);
        LocalDate date = LocalDate.parse(day.strip());
        Instant start = date.atStartOfDay(z).toInstant();
        Instant end = date.plusDays(1).atStartOfDay(z).toInstant();
        int n = 0;
        for (Instant t = cron.next(start.minusSeconds(1)); t.isBefore(end); t = cron.next(t)) {
            n++;
        }
        assertEquals(runs, n, expr + " in " + zone + " on " + day);
    }
}
