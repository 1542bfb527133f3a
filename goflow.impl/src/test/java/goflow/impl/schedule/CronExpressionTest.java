package goflow.impl.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.schedule.Cron;
import goflow.api.schedule.CronSyntaxException;
import goflow.impl.GoFlowImpl;

class CronExpressionTest {
    private static final ZoneId UTC = ZoneOffset.UTC;

    /** Next fire strictly after {@code after} (ISO offset date-time), as ISO offset date-time in the cron's zone. */
    private static String next(String expr, String zone, String after) {
        Cron cron = CronExpression.parse(expr, ZoneId.of(zone));
        ZonedDateTime n = cron.next(OffsetDateTime.parse(after).toZonedDateTime());
        return n.toOffsetDateTime().toString();
    }

    @ParameterizedTest(name = "{0} in {1} after {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
        // basics: strictly after, 5 fields fire at second 0, 6 fields have seconds
        "* * * * *           | UTC | 2026-01-01T00:00:00Z      | 2026-01-01T00:01Z",
        "* * * * * *         | UTC | 2026-01-01T00:00:00Z      | 2026-01-01T00:00:01Z",
        "* * * * * *         | UTC | 2026-01-01T00:00:00.500Z  | 2026-01-01T00:00:01Z",
        "30 * * * * *        | UTC | 2026-01-01T00:00:30Z      | 2026-01-01T00:01:30Z",
        "0 5/10 * * * *      | UTC | 2026-01-01T00:05:00Z      | 2026-01-01T00:15Z",
        "5/10 * * * *        | UTC | 2026-01-01T00:55:00Z      | 2026-01-01T01:05Z",
        // leading zeros are the same number (they were "above the maximum" from five digits on)
        "00005 * * * *       | UTC | 2026-01-01T00:00:00Z      | 2026-01-01T00:05Z",
        "0 000000010 * * *   | UTC | 2026-01-01T00:00:00Z      | 2026-01-01T10:00Z",
        "0-59/20 * * * *     | UTC | 2026-01-01T00:41:00Z      | 2026-01-01T01:00Z",
        "0 10-20/5 * * *     | UTC | 2026-01-01T16:00:00Z      | 2026-01-01T20:00Z",
        "0 0 1 */3 *         | UTC | 2026-02-15T00:00:00Z      | 2026-04-01T00:00Z",
        "0 0 1 jan,Jul *     | UTC | 2026-01-01T00:00:00Z      | 2026-07-01T00:00Z",
        "0 0 1 JAN-DEC/6 *   | UTC | 2026-02-01T00:00:00Z      | 2026-07-01T00:00Z",
        "0 0 31 DEC ?        | UTC | 2026-01-01T00:00:00Z      | 2026-12-31T00:00Z",
        "59 23 31 12 *       | UTC | 2026-12-31T23:59:00Z      | 2027-12-31T23:59Z",
        // leap years and month ends
        "0 0 29 2 *          | UTC | 2026-01-01T00:00:00Z      | 2028-02-29T00:00Z",
        "0 0 29 2 *          | UTC | 2028-02-29T00:00:00Z      | 2032-02-29T00:00Z",
        "0 0 29 2 *          | UTC | 2096-03-01T00:00:00Z      | 2104-02-29T00:00Z",
        "0 0 31 * *          | UTC | 2026-04-01T00:00:00Z      | 2026-05-31T00:00Z",
        "0 12 30 * *         | UTC | 2026-02-01T00:00:00Z      | 2026-03-30T12:00Z",
        "0 0 31 2,4,5 *      | UTC | 2026-01-01T00:00:00Z      | 2026-05-31T00:00Z",
        "0 0 28-31 2 *       | UTC | 2027-02-28T00:00:00Z      | 2028-02-28T00:00Z",
        "0 0 28-31 2 *       | UTC | 2028-02-28T00:00:00Z      | 2028-02-29T00:00Z",
        // day of week: names, 0 and 7 are Sunday, ranges up to 7
        "0 9 * * MON-FRI     | UTC | 2026-01-02T10:00:00Z      | 2026-01-05T09:00Z",
        "0 9 * * mon-fri     | UTC | 2026-01-01T08:00:00Z      | 2026-01-01T09:00Z",
        "0 0 * * 0           | UTC | 2026-01-01T00:00:00Z      | 2026-01-04T00:00Z",
        "0 0 * * 7           | UTC | 2026-01-01T00:00:00Z      | 2026-01-04T00:00Z",
        "0 0 * * SUN         | UTC | 2026-01-01T00:00:00Z      | 2026-01-04T00:00Z",
        "0 0 * * 6-7         | UTC | 2026-01-01T00:00:00Z      | 2026-01-03T00:00Z",
        "0 0 * * FRI-7       | UTC | 2026-01-03T00:00:00Z      | 2026-01-04T00:00Z",
        "0 0 * * SUN,sat     | UTC | 2026-01-04T00:00:00Z      | 2026-01-10T00:00Z",
        "0 0 * * */2         | UTC | 2026-01-01T00:00:00Z      | 2026-01-03T00:00Z",
        // Vixie: both restricted -> either matches (OR); a field starting with * or ? -> both (AND)
        "0 9 15 * MON        | UTC | 2026-07-14T00:00:00Z      | 2026-07-15T09:00Z",
        "0 9 15 * MON        | UTC | 2026-07-15T10:00:00Z      | 2026-07-20T09:00Z",
        "0 0 31 2 MON        | UTC | 2026-02-01T00:00:00Z      | 2026-02-02T00:00Z",
        "0 9 */2 * MON       | UTC | 2026-06-01T10:00:00Z      | 2026-06-15T09:00Z",
        "0 9 ? * FRI         | UTC | 2026-01-01T00:00:00Z      | 2026-01-02T09:00Z",
        "0 9 13 * *          | UTC | 2026-01-14T00:00:00Z      | 2026-02-13T09:00Z",
        "0 0 13 * FRI        | UTC | 2026-02-01T00:00:00Z      | 2026-02-06T00:00Z",
        // descriptors
        "@yearly             | UTC | 2026-01-01T00:00:00Z      | 2027-01-01T00:00Z",
        "@annually           | UTC | 2026-06-01T00:00:00Z      | 2027-01-01T00:00Z",
        "@monthly            | UTC | 2026-01-15T00:00:00Z      | 2026-02-01T00:00Z",
        "@weekly             | UTC | 2026-01-01T00:00:00Z      | 2026-01-04T00:00Z",
        "@daily              | UTC | 2026-01-01T00:00:00Z      | 2026-01-02T00:00Z",
        "@midnight           | UTC | 2026-01-01T12:00:00Z      | 2026-01-02T00:00Z",
        "@hourly             | UTC | 2026-01-01T12:59:59Z      | 2026-01-01T13:00Z",
        "@HOURLY             | UTC | 2026-01-01T12:00:00Z      | 2026-01-01T13:00Z",
        "@every 1h30m        | UTC | 2026-01-01T12:00:00Z      | 2026-01-01T13:30Z",
        "@every 10s          | UTC | 2026-01-01T12:00:00Z      | 2026-01-01T12:00:10Z",
        "@every 1.5s         | UTC | 2026-01-01T12:00:00Z      | 2026-01-01T12:00:01.500Z",
        "@every PT2M         | UTC | 2026-01-01T12:00:00Z      | 2026-01-01T12:02Z",
        // time zones: argument, TZ= and CRON_TZ= prefixes (the prefix wins)
        "0 9 * * *                         | Europe/Berlin    | 2026-01-01T00:00:00Z | 2026-01-01T09:00+01:00",
        "TZ=America/New_York 0 9 * * *     | UTC              | 2026-01-01T00:00:00Z | 2026-01-01T09:00-05:00",
        "CRON_TZ=Europe/Berlin 0 0 9 * * * | America/New_York | 2026-07-01T00:00:00Z | 2026-07-01T09:00+02:00",
        // Europe/Berlin, spring forward 2026-03-29 02:00 CET -> 03:00 CEST: a time in the gap fires at 03:00 CEST
        "30 2 * * *          | Europe/Berlin | 2026-03-28T12:00:00+01:00 | 2026-03-29T03:00+02:00",
        "30 2 * * *          | Europe/Berlin | 2026-03-29T03:00:00+02:00 | 2026-03-30T02:30+02:00",
        "0 2 * * *           | Europe/Berlin | 2026-03-28T12:00:00+01:00 | 2026-03-29T03:00+02:00",
        "0 3 * * *           | Europe/Berlin | 2026-03-28T12:00:00+01:00 | 2026-03-29T03:00+02:00",
        "0 * * * *           | Europe/Berlin | 2026-03-29T01:30:00+01:00 | 2026-03-29T03:00+02:00",
        "0 * * * *           | Europe/Berlin | 2026-03-29T03:00:00+02:00 | 2026-03-29T04:00+02:00",
        "*/15 * * * *        | Europe/Berlin | 2026-03-29T01:50:00+01:00 | 2026-03-29T03:00+02:00",
        "*/15 * * * *        | Europe/Berlin | 2026-03-29T03:00:00+02:00 | 2026-03-29T03:15+02:00",
        // Europe/Berlin, fall back 2026-10-25 03:00 CEST -> 02:00 CET: a repeated time fires once, first
        // occurrence, for a job at a particular time; an interval-style job fires in both (CronDaylightSavingTest)
        "30 2 * * *          | Europe/Berlin | 2026-10-24T12:00:00+02:00 | 2026-10-25T02:30+02:00",
        "30 2 * * *          | Europe/Berlin | 2026-10-25T02:30:00+02:00 | 2026-10-26T02:30+01:00",
        "0 * * * *           | Europe/Berlin | 2026-10-25T02:00:00+02:00 | 2026-10-25T02:00+01:00",
        "*/30 * * * *        | Europe/Berlin | 2026-10-25T02:10:00+01:00 | 2026-10-25T02:30+01:00",
        "0 0 * * *           | Europe/Berlin | 2026-10-24T12:00:00+02:00 | 2026-10-25T00:00+02:00",
        "0 0 * * *           | Europe/Berlin | 2026-10-25T00:00:00+02:00 | 2026-10-26T00:00+01:00",
        // America/New_York, spring forward 2026-03-08 02:00 EST -> 03:00 EDT
        "30 2 * * *          | America/New_York | 2026-03-07T12:00:00-05:00 | 2026-03-08T03:00-04:00",
        "30 2 * * *          | America/New_York | 2026-03-08T03:00:00-04:00 | 2026-03-09T02:30-04:00",
        "0 0 2 * * *         | America/New_York | 2026-03-08T01:59:59-05:00 | 2026-03-08T03:00-04:00",
        "0 1-3 * * *         | America/New_York | 2026-03-08T01:00:00-05:00 | 2026-03-08T03:00-04:00",
        // America/New_York, fall back 2026-11-01 02:00 EDT -> 01:00 EST
        "30 1 * * *          | America/New_York | 2026-10-31T12:00:00-04:00 | 2026-11-01T01:30-04:00",
        "30 1 * * *          | America/New_York | 2026-11-01T01:30:00-04:00 | 2026-11-02T01:30-05:00",
        "30 1 * * *          | America/New_York | 2026-11-01T01:10:00-05:00 | 2026-11-02T01:30-05:00",
        "0 * * * *           | America/New_York | 2026-11-01T01:00:00-04:00 | 2026-11-01T01:00-05:00",
    })
    void nextFire(String expr, String zone, String after, String expected) {
        assertEquals(expected, next(expr.strip(), zone.strip(), after.strip()));
    }

    @Test
    void dailyJobRunsExactlyOncePerDayAcrossBothTransitions() {
        for (String zone : new String[] {"Europe/Berlin", "America/New_York"}) {
            for (String expr : new String[] {"30 2 * * *", "30 1 * * *", "0 0 2 * * *"}) {
                Cron cron = CronExpression.parse(expr, ZoneId.of(zone));
                Instant t = Instant.parse("2026-01-01T00:00:00Z");
                int fires = 0;
                LocalDate lastDay = null;
                while (t.isBefore(Instant.parse("2026-12-31T12:00:00Z"))) {
                    t = cron.next(t);
                    LocalDate day = t.atZone(ZoneId.of(zone)).toLocalDate();
                    assertTrue(lastDay == null || day.equals(lastDay.plusDays(1)),
                            expr + " in " + zone + ": " + lastDay + " then " + day);
                    lastDay = day;
                    fires++;
                }
                assertEquals(366, fires, expr + " in " + zone); // 2026-01-01 to 2027-01-01
            }
        }
    }

    @Test
    void nextOfInstantAndZonedAgree() {
        Cron cron = CronExpression.parse("0 15 10 ? * MON-FRI", ZoneId.of("Europe/Berlin"));
        Instant after = Instant.parse("2026-05-01T00:00:00Z");
        assertEquals(cron.next(after), cron.next(after.atZone(UTC)).toInstant());
        assertEquals(ZoneId.of("Europe/Berlin"), cron.next(after.atZone(UTC)).getZone());
        assertEquals(ZoneId.of("Europe/Berlin"), cron.zone());
        assertEquals("0 15 10 ? * MON-FRI", cron.expression());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHugeUnitlessEveryIsRefusedInLinearTime() {
        // a 200 000-digit number without a unit: the parser tried each later start position too
        // (2 * 10^10 steps, minutes); anchored, it fails at once
        String digits = "1".repeat(200_000);
        CronSyntaxException e = assertThrows(CronSyntaxException.class,
                () -> CronExpression.parse("@every " + digits, UTC));
        assertTrue(e.getMessage().contains("not a duration"), e.getMessage().substring(0, 200));
    }

    @Test
    void goflowFactoriesParse() {
        try (GoFlow goflow = new GoFlowImpl()) {
            assertEquals(ZoneId.systemDefault(), goflow.cron("@daily").zone());
            Cron c = goflow.cron("TZ=Asia/Tokyo 0 9 * * *", UTC);
            assertEquals(ZoneId.of("Asia/Tokyo"), c.zone());
            assertEquals(Instant.parse("2026-01-01T00:00:00Z"), c.next(Instant.parse("2025-12-31T01:00:00Z")));
            assertThrows(CronSyntaxException.class, () -> goflow.cron("0 0 30 2 *"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "* * * * *", "? ? ? ? ?", "* * * * * *", "  0   0  *  * *  ", "0\t0 * * *", "0 0 * * 0", "0 0 * * 7",
        "0 0 * * 0-7", "0-59/15 * * * *", "5/10 * * * *", "*/1 * * * *", "*/59 * * * *", "0 9 * * MON-FRI",
        "0 9 * * mon-Fri", "0 0 1 jan-jun/2 *", "0 0 1 JAN,Jul,dec *", "0 0 * * SUN,SAT", "0 0 0 1 1 ?",
        "0 0 29 2 *", "0 0 31 2 MON", "0 0 30 1-2 *", "1,2,3-5,10-20/3 * * * *", "0 0 * * 7/1", "0 0 * * 5/1",
        "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@Daily", "@every 1h30m",
        "@every 10s", "@every +10s", "@every 250ms", "@every 1.5h", "@every 2h45m30s", "@every 1500us", "@every 1ms",
        "@every 1000000ns", "@every PT10S", "@every PT0.001S",
        "TZ=UTC 0 * * * *", "TZ=Etc/UTC 0 * * * *", "TZ=GMT 0 * * * *", "TZ=Etc/GMT-1 0 * * * *",
        "CRON_TZ=America/New_York 0 9 * * *", "TZ=Europe/Berlin @daily", "@DAILY", "@EVERY 5m", "TZ=UTC @Hourly",
        "TZ=Europe/Berlin @every 5m", "0 0 * * FRI-7",
    })
    void accepted(String expr) {
        Cron cron = CronExpression.parse(expr, UTC);
        assertEquals(expr, cron.expression());
        assertTrue(cron.next(Instant.parse("2026-01-01T00:00:00Z")).isAfter(Instant.parse("2026-01-01T00:00:00Z")));
    }

    @ParameterizedTest(name = "{0} -> {1}={2}")
    @CsvSource(delimiter = '|', value = {
        "''                    | expression   | ''             | must not be empty",
        "'   '                 | expression   | '   '          | must not be empty",
        "* * * *               | expression   | * * * *        | expected 5 fields (minute hour day-of-month month day-of-week) or 6 with a leading second, found 4",
        "* * * * * * *         | expression   | * * * * * * *  | found 7",
        "60 * * * *            | minute       | 60             | above the maximum 59",
        "60 * * * * *          | second       | 60             | above the maximum 59",
        "0 60 * * * *          | minute       | 60             | above the maximum 59",
        "* 24 * * *            | hour         | 24             | above the maximum 23",
        "* * 0 * *             | day-of-month | 0              | below the minimum 1",
        "* * 32 * *            | day-of-month | 32             | above the maximum 31",
        "* * * 0 *             | month        | 0              | below the minimum 1",
        "* * * 13 *            | month        | 13             | above the maximum 12",
        "* * * * 8             | day-of-week  | 8              | above the maximum 7",
        "* * * * 99999999999   | day-of-week  | 99999999999    | above the maximum 7",
        "000060 * * * *        | minute       | 000060         | above the maximum 59",
        "10,75 * * * *         | minute       | 75             | above the maximum 59",
        "* * * FOO *           | month        | FOO            | not a number or a name (month takes 1-12 or JAN-DEC)",
        "* * * MON *           | month        | MON            | not a number or a name",
        "* * * * JAN           | day-of-week  | JAN            | not a number or a name (day-of-week takes 0-7 or SUN-SAT)",
        "* * * * MON-FOO       | day-of-week  | FOO            | not a number or a name",
        "* * * * MONDAY        | day-of-week  | MONDAY         | not a number or a name",
        "a * * * *             | minute       | a              | not a number",
        "*/0 * * * *           | minute       | */0            | step must be positive",
        "*/60 * * * *          | minute       | */60           | step 60 selects only the first value, 0: write 0 for that value alone, or a step of at most 59",
        "* * */31 * *          | day-of-month | */31           | step 31 selects only the first value, 1: write 1 for that value alone, or a step of at most 30",
        "0 0 */31 * *          | day-of-month | */31           | step 31 selects only the first value, 1: write 1 for that value alone",
        "0 0 10-20/31 * *      | day-of-month | 10-20/31       | step 31 selects only the first value, 10: write 10 for that value alone, or a step of at most 10",
        "0 0 * * */7           | day-of-week  | */7            | step 7 selects only the first value, 0: write 0 for that value alone, or a step of at most 6",
        "0 0 * * 0-7/7         | day-of-week  | 0-7/7          | step 7 selects only the first value, 0: write 0 for that value alone, or a step of at most 6",
        "0 0 * * 1-7/7         | day-of-week  | 1-7/7          | step 7 selects only the first value, 1: write 1 for that value alone, or a step of at most 6",
        "0 0 * */12 *          | month        | */12           | step 12 selects only the first value, 1: write 1 for that value alone, or a step of at most 11",
        "*/99999 * * * *       | minute       | */99999        | step 99999 selects only the first value, 0",
        "0 0 31/31 * *         | day-of-month | 31/31          | step 31 selects only the first value, 31: write 31 for that value alone",
        "*/ * * * *            | minute       | */             | step must be a positive whole number",
        "*/x * * * *           | minute       | */x            | step must be a positive whole number",
        "1/2/3 * * * *         | minute       | 1/2/3          | step must be a positive whole number",
        "/5 * * * *            | minute       | /5             | missing range before the step",
        "5-1 * * * *           | minute       | 5-1            | range start is after its end; ranges do not wrap around",
        "* * * * FRI-MON       | day-of-week  | FRI-MON        | ranges do not wrap around (write e.g. FRI-7,1 or FRI,SAT,SUN,MON)",
        "-5 * * * *            | minute       | -5             | missing value",
        "5- * * * *            | minute       | 5-             | missing value",
        "1-2-3 * * * *         | minute       | 2-3            | not a number",
        "'1,,2 * * * *'        | minute       | '1,,2'         | empty list element",
        "'1, * * * *'          | minute       | '1,'           | empty list element",
        "* * L * *             | day-of-month | L              | not a number",
        "* * 15W * *           | day-of-month | 15W            | not a number",
        "* * * * 5#3           | day-of-week  | 5#3            | not a number or a name",
        "* * * * 5L            | day-of-week  | 5L             | not a number or a name",
        "0 0 30 2 *            | day-of-month | 30             | can never fire: no selected month has such a day",
        "0 0 30-31 FEB ?       | day-of-month | 30-31          | can never fire",
        "0 0 31 4,6,9,11 *     | day-of-month | 31             | can never fire",
        "0 0 0 31 4 *          | day-of-month | 31             | can never fire",
        "@every                | @every       | @every         | expected exactly one duration, e.g. @every 1h30m",
        "@every 0s             | @every       | 0s             | must be positive",
        "@every -5s            | @every       | -5s            | must be positive",
        "@every -0s            | @every       | -0s            | must be positive",
        "@every -              | @every       | -              | missing duration",
        "@every -+5s           | @every       | -+5s           | not a duration",
        "@every 10             | @every       | 10             | not a duration",
        "@every 10x            | @every       | 10x            | not a duration",
        "@every 1h 30m         | @every       | @every 1h 30m  | expected exactly one duration",
        "@every PT0S           | @every       | PT0S           | must be positive",
        "@every 1ns            | @every       | 1ns            | must be at least 1ms; a shorter interval keeps a core busy with scheduling",
        "@every 999us          | @every       | 999us          | must be at least 1ms",
        "@every 0.5ms          | @every       | 0.5ms          | must be at least 1ms",
        "@every PT0.0001S      | @every       | PT0.0001S      | must be at least 1ms",
        "@every Pxyz           | @every       | Pxyz           | not a duration",
        "@every 9999999999h    | @every       | 9999999999h    | too long",
        "@every 2562048h       | @every       | 2562048h       | too long",
        "@every PT2562048H     | @every       | PT2562048H     | too long",
        "@every P106751991167300D | @every    | P106751991167300D | too long",
        "@daily 5              | expression   | @daily 5       | @daily takes no fields",
        "@fortnightly          | expression   | @fortnightly   | unknown descriptor",
        "@                     | expression   | @              | unknown descriptor",
        "TZ=Mars/Base 0 * * * *| time zone    | Mars/Base      | unknown time zone id",
        // the prefix takes IANA zone ids only: a UTC offset is rejected, naming the prefix and the IANA way to write it
        "TZ=+01:00 0 * * * *   | time zone    | +01:00         | a UTC offset, not an IANA zone id: TZ= takes a zone such as Europe/Berlin; for the fixed offset +01:00 write TZ=Etc/GMT-1 (IANA inverts the sign)",
        "CRON_TZ=-05:00 @daily | time zone    | -05:00         | a UTC offset, not an IANA zone id: CRON_TZ= takes a zone such as Europe/Berlin; for the fixed offset -05:00 write CRON_TZ=Etc/GMT+5",
        "TZ=UTC+01:00 0 * * * *| time zone    | UTC+01:00      | TZ= takes a zone such as Europe/Berlin; for the fixed offset +01:00 write TZ=Etc/GMT-1",
        "TZ=GMT+1 0 * * * *    | time zone    | GMT+1          | for the fixed offset +01:00 write TZ=Etc/GMT-1",
        "TZ=Z 0 * * * *        | time zone    | Z              | for the fixed offset Z write TZ=Etc/UTC",
        "TZ=UT 0 * * * *       | time zone    | UT             | for the fixed offset Z write TZ=Etc/UTC",
        "TZ=+05:30 0 * * * *   | time zone    | +05:30         | a UTC offset, not an IANA zone id: TZ= takes a zone such as Europe/Berlin; for the fixed offset +05:30 give the offset as the zone of the scheduler or of GoFlow.cron(expression, zone) instead",
        "TZ=Europe/Berlin      | expression   | TZ=Europe/Berlin | the time zone must be followed by the fields",
        "'TZ= 0 * * * *'       | time zone    | TZ=            | missing zone id, e.g. TZ=Europe/Berlin",
        "TZ=UTC 0 * * *        | expression   | 0 * * *        | found 4",
    })
    void rejected(String expr, String field, String token, String rule) {
        CronSyntaxException e = assertThrows(CronSyntaxException.class, () -> CronExpression.parse(expr, UTC));
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(token, e.value(), e.getMessage());
        assertTrue(e.rule().contains(rule), e.getMessage());
        assertEquals(expr, e.expression());
        assertTrue(e.getMessage().startsWith("cron: invalid " + field + "=\"" + token + "\" ("), e.getMessage());
        assertTrue(e.getMessage().endsWith(" - in expression \"" + expr + "\""), e.getMessage());
    }

    @Test
    void exampleMessages() {
        CronSyntaxException e = assertThrows(CronSyntaxException.class, () -> CronExpression.parse("75 0 * * *", UTC));
        assertEquals("cron: invalid minute=\"75\" (above the maximum 59) - in expression \"75 0 * * *\"", e.getMessage());
        e = assertThrows(CronSyntaxException.class, () -> CronExpression.parse("0 0 30 2 *", UTC));
        assertEquals("cron: invalid day-of-month=\"30\" (can never fire: no selected month has such a day) "
                + "- in expression \"0 0 30 2 *\"", e.getMessage());
        e = assertThrows(CronSyntaxException.class, () -> CronExpression.parse("0 0 */31 * *", UTC));
        assertEquals("cron: invalid day-of-month=\"*/31\" (step 31 selects only the first value, 1: write 1 for that "
                + "value alone, or a step of at most 30) - in expression \"0 0 */31 * *\"", e.getMessage());
        e = assertThrows(CronSyntaxException.class, () -> CronExpression.parse("0 0 31/31 * *", UTC));
        assertEquals("cron: invalid day-of-month=\"31/31\" (step 31 selects only the first value, 31: write 31 for "
                + "that value alone) - in expression \"0 0 31/31 * *\"", e.getMessage());
    }

    @ParameterizedTest(name = "{0} after {1}")
    @CsvSource(delimiter = '|', value = {
        "0 0 1 1 *    | +999999999-06-01T00:00:00Z",
        "*/5 * * * *  | +999999999-12-31T23:58:00Z",
        "0 0 29 2 *   | +999999996-03-01T00:00:00Z",
        "@every 1h    | +1000000000-12-31T23:30:00Z",
        "@daily       | +1000000000-12-31T23:59:59.999999999Z",
    })
    void noFireTimeLeftBeforeTheEndOfTheTimeLineIsADateTimeException(String expr, String after) {
        Cron cron = CronExpression.parse(expr.strip(), UTC);
        Instant t = Instant.parse(after.strip());
        java.time.DateTimeException e = assertThrows(java.time.DateTimeException.class, () -> cron.next(t));
        assertEquals("cron expression \"" + expr.strip() + "\" in Z has no fire time after " + t
                + " within the supported range of dates", e.getMessage());
        if (t.isAfter(java.time.LocalDateTime.MAX.toInstant(ZoneOffset.UTC))) {
            return; // no ZonedDateTime is that late
        }
        e = assertThrows(java.time.DateTimeException.class, () -> cron.next(t.atZone(UTC)));
        assertEquals("cron expression \"" + expr.strip() + "\" in Z has no fire time after " + t
                + " within the supported range of dates", e.getMessage());
    }

    @Test
    void aNextInstantThatNoZonedDateTimeCanHoldIsADateTimeExceptionToo() {
        Cron cron = CronExpression.parse("@every 1h", UTC);
        ZonedDateTime last = java.time.LocalDateTime.MAX.withNano(0).withSecond(0).withMinute(30).atZone(UTC);
        assertEquals(Instant.parse("+1000000000-01-01T00:30:00Z"), cron.next(last.toInstant()));
        java.time.DateTimeException e = assertThrows(java.time.DateTimeException.class, () -> cron.next(last));
        assertEquals("cron expression \"@every 1h\" in Z has no fire time after +999999999-12-31T23:30:00Z within the "
                + "supported range of dates", e.getMessage());
    }

    /**
     * Before the first date-time a LocalDateTime holds (Instant.MIN, say) every fire time is still
     * ahead: next() answers with the first one, of both kinds of expression, not "no fire time".
     */
    @ParameterizedTest
    @CsvSource({
            "0 0 1 1 *, UTC, -999999999-01-01T00:00:00Z",
            "* * * * *, UTC, -999999999-01-01T00:00:00Z",
            "0 0 1 1 *, +18:00, -1000000000-12-31T06:00:00Z",
            "0 0 1 1 *, -18:00, -999999999-01-01T18:00:00Z",
            "* * * * *, Europe/Berlin, -1000000000-12-31T23:06:32Z",
            "0 0 2 1 *, Europe/Berlin, -999999999-01-01T23:06:32Z"})
    void beforeTheFirstLocalDateTimeTheFirstFireTimeIsNext(String expression, String zone, String first) {
        CronExpression cron = CronExpression.parse(expression, ZoneId.of(zone));
        assertEquals(Instant.parse(first), cron.next(Instant.MIN));
        assertEquals(Instant.parse(first), cron.next(Instant.parse(first).minusSeconds(86_400)));
    }

    @Test
    void nullArgumentsRejected() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> CronExpression.parse(null, UTC));
        assertEquals("expression", e.field());
        e = assertThrows(InvalidConfigException.class, () -> CronExpression.parse("@daily", null));
        assertEquals("zone", e.field());
    }

    @Test
    void everyDurationIsExact() {
        assertEquals(Duration.ofHours(2).plusMinutes(45).plusSeconds(30), CronExpression.parse("@every 2h45m30s", UTC).every());
        assertEquals(Duration.ofNanos(1_500_000), CronExpression.parse("@every 1500us", UTC).every());
        assertEquals(Duration.ofMinutes(90), CronExpression.parse("@every 1.5h", UTC).every());
    }
}
