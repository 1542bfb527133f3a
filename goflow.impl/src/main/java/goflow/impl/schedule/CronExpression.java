package goflow.impl.schedule;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.time.zone.ZoneRulesProvider;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import goflow.api.InvalidConfigException;
import goflow.api.schedule.Cron;
import goflow.api.schedule.CronSyntaxException;

/**
 * The {@link Cron} implementation: bit sets per field, searched field by field on the wall clock
 * of the zone, then mapped to an instant with the daylight-saving rules documented on {@link Cron}.
 * {@code @every} expressions are a fixed {@link Duration} instead.
 *
 * <p>Immutable and thread-safe.
 */
public final class CronExpression implements Cron {
    private static final Map<String, String> DESCRIPTORS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    private static final List<String> FIVE = List.of("minute", "hour", "day-of-month", "month", "day-of-week");
    /** A search never needs more than one 400-year Gregorian cycle (plus slack). */
    private static final int SEARCH_YEARS = 402;
    /** The epoch second of the first wall time a {@link LocalDateTime} holds, read as UTC. */
    private static final long FIRST_LOCAL_SECOND = LocalDateTime.MIN.toEpochSecond(ZoneOffset.UTC);

    private final String expression;
    private final ZoneId zone;
    /** Non-null for {@code @every}; then the bit sets are unused. */
    private final Duration every;
    private final long seconds;
    private final long minutes;
    private final long hours;
    private final long daysOfMonth;
    private final long months;
    private final long daysOfWeek;
    /** Whether both day fields are restricted, so that either may match (Vixie OR). */
    private final boolean dayOr;
    /**
     * Whether the expression is interval-style and so follows elapsed time across daylight-saving
     * changes: a {@code *} or {@code ?} leads its second, minute or hour field (or it is
     * {@code @every}). Otherwise it runs at particular times. See {@link Cron}.
     */
    private final boolean interval;

    private CronExpression(String expression, ZoneId zone, Duration every, long[] bits, boolean dayOr,
            boolean interval) {
        this.expression = expression;
        this.zone = zone;
        this.every = every;
        this.interval = interval;
        this.seconds = bits[0];
        this.minutes = bits[1];
        this.hours = bits[2];
        this.daysOfMonth = bits[3];
        this.months = bits[4];
        this.daysOfWeek = bits[5];
        this.dayOr = dayOr;
    }

    /**
     * Parses an expression (syntax on {@link Cron}).
     *
     * @param expression the text
     * @param defaultZone the zone used when the text has no {@code TZ=} prefix
     * @return the parsed expression
     * @throws CronSyntaxException naming the field and token when the text is invalid or can never fire
     * @throws InvalidConfigException when an argument is null
     */
    public static CronExpression parse(String expression, ZoneId defaultZone) {
        if (expression == null) {
            throw new InvalidConfigException("cron", "expression", null, "must not be null", "");
        }
        if (defaultZone == null) {
            throw new InvalidConfigException("cron", "zone", null, "must not be null", "");
        }
        String rest = expression.strip();
        if (rest.isEmpty()) {
            throw new CronSyntaxException(expression, "expression", expression, "must not be empty");
        }
        ZoneId zone = defaultZone;
        if (rest.startsWith("TZ=") || rest.startsWith("CRON_TZ=")) {
            int blank = indexOfBlank(rest);
            String id = rest.substring(rest.indexOf('=') + 1, blank < 0 ? rest.length() : blank);
            if (id.isEmpty()) {
                throw new CronSyntaxException(expression, "time zone", rest.substring(0, rest.indexOf('=') + 1),
                        "missing zone id, e.g. TZ=Europe/Berlin");
            }
            zone = prefixZone(expression, rest.substring(0, rest.indexOf('=') + 1), id);
            if (blank < 0) {
                throw new CronSyntaxException(expression, "expression", rest, "the time zone must be followed by the fields");
            }
            rest = rest.substring(blank).strip();
        }
        if (rest.startsWith("@")) {
            return parseDescriptor(expression, rest, zone);
        }
        return parseFields(expression, rest, zone);
    }

    /**
     * Resolves the zone of a {@code TZ=} / {@code CRON_TZ=} prefix: an IANA zone id only. A UTC
     * offset ({@code +01:00}, {@code UTC+1}, {@code Z}), which {@link ZoneId#of} also accepts, is
     * rejected with the IANA id to write instead.
     */
    private static ZoneId prefixZone(String expression, String prefix, String id) {
        ZoneId zone;
        try {
            zone = ZoneId.of(id);
        } catch (DateTimeException e) {
            throw new CronSyntaxException(expression, "time zone", id, "unknown time zone id");
        }
        if (ZoneRulesProvider.getAvailableZoneIds().contains(id)) {
            return zone;
        }
        ZoneOffset offset = zone.getRules().getOffset(Instant.EPOCH); // not a region: a fixed offset
        int seconds = offset.getTotalSeconds();
        String etc = seconds == 0 ? "Etc/UTC"
                : "Etc/GMT" + (seconds > 0 ? "-" : "+") + Math.abs(seconds / 3600);
        String instead = seconds % 3600 == 0 && ZoneRulesProvider.getAvailableZoneIds().contains(etc)
                ? "write " + prefix + etc + (seconds == 0 ? "" : " (IANA inverts the sign)")
                : "give the offset as the zone of the scheduler or of GoFlow.cron(expression, zone) instead";
        throw new CronSyntaxException(expression, "time zone", id, "a UTC offset, not an IANA zone id: " + prefix
                + " takes a zone such as Europe/Berlin; for the fixed offset " + offset + " " + instead);
    }

    private static CronExpression parseDescriptor(String expression, String rest, ZoneId zone) {
        String[] words = rest.split("\\s+");
        String name = words[0].toLowerCase(Locale.ROOT);
        if (name.equals("@every")) {
            if (words.length != 2) {
                throw new CronSyntaxException(expression, "@every", rest,
                        "expected exactly one duration, e.g. @every 1h30m");
            }
            Duration d = GoDuration.parse(expression, words[1]);
            return new CronExpression(expression, zone, d, new long[6], false, true);
        }
        String fields = DESCRIPTORS.get(name);
        if (fields == null) {
            throw new CronSyntaxException(expression, "expression", words[0], "unknown descriptor; expected "
                    + "@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>");
        }
        if (words.length != 1) {
            throw new CronSyntaxException(expression, "expression", rest, words[0] + " takes no fields");
        }
        return parseFields(expression, fields, zone);
    }

    private static CronExpression parseFields(String expression, String rest, ZoneId zone) {
        String[] parts = rest.split("\\s+");
        if (parts.length != 5 && parts.length != 6) {
            throw new CronSyntaxException(expression, "expression", rest, "expected 5 fields (" + String.join(" ", FIVE)
                    + ") or 6 with a leading second, found " + parts.length);
        }
        int offset = parts.length == 6 ? 0 : 1;
        long[] bits = new long[6];
        bits[0] = 1L; // second 0 when there is no second field
        for (int i = 0; i < parts.length; i++) {
            CronField field = CronField.values()[i + offset];
            bits[i + offset] = field.parse(expression, parts[i]);
        }
        String dom = parts[parts.length - 3];
        String dow = parts[parts.length - 1];
        boolean domRestricted = !(dom.startsWith("*") || dom.startsWith("?"));
        boolean dowRestricted = !(dow.startsWith("*") || dow.startsWith("?"));
        boolean dayOr = domRestricted && dowRestricted;
        if (!dayOr) {
            checkSomeDayExists(expression, dom, bits[3], bits[4]);
        }
        boolean interval = false;
        for (int i = 0; i < parts.length - 3; i++) { // second (if given), minute, hour
            interval |= parts[i].startsWith("*") || parts[i].startsWith("?");
        }
        return new CronExpression(expression, zone, null, bits, dayOr, interval);
    }

    /** Rejects a day-of-month set that no selected month contains (e.g. 30 February). */
    private static void checkSomeDayExists(String expression, String domText, long dom, long months) {
        for (Month m : Month.values()) {
            if ((months & (1L << m.getValue())) != 0) {
                long possible = dom & ((1L << (m.maxLength() + 1)) - 1);
                if (possible != 0) {
                    return;
                }
            }
        }
        throw new CronSyntaxException(expression, "day-of-month", domText,
                "can never fire: no selected month has such a day");
    }

    private static int indexOfBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String expression() {
        return expression;
    }

    @Override
    public ZoneId zone() {
        return zone;
    }

    /**
     * Returns the fixed interval of an {@code @every} expression.
     *
     * @return the interval, or {@code null} for a calendar expression
     */
    public Duration every() {
        return every;
    }

    @Override
    public ZonedDateTime next(ZonedDateTime after) {
        Objects.requireNonNull(after, "after");
        Instant next = next(after.toInstant());
        try {
            return next.atZone(zone);
        } catch (DateTimeException e) { // an instant beyond the last date-time
            throw noFireTime(after.toInstant(), e);
        }
    }

    @Override
    public Instant next(Instant after) {
        Objects.requireNonNull(after, "after");
        try {
            if (every != null) {
                return after.plus(every);
            }
            return interval ? nextByElapsedTime(after) : nextAtParticularTime(after);
        } catch (DateTimeException | ArithmeticException e) {
            throw noFireTime(after, e);
        }
    }

    /**
     * Whether this expression follows elapsed time across daylight-saving changes (interval-style:
     * a {@code *} or {@code ?} leads its second, minute or hour field, or {@code @every}) rather
     * than running at particular wall times.
     *
     * @return true for an interval-style expression
     */
    public boolean followsElapsedTime() {
        return interval;
    }

    private DateTimeException noFireTime(Instant after, Throwable cause) {
        DateTimeException e = new DateTimeException("cron expression \"" + expression + "\" in " + zone
                + " has no fire time after " + after + " within the supported range of dates");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /**
     * A job at particular times: wall times are searched in order; a wall time in a gap fires at
     * the end of the gap, one in an overlap at its first occurrence, and one whose instant is not
     * after {@code after} (the second occurrence, or a gap already fired) is passed over.
     */
    private Instant nextAtParticularTime(Instant after) {
        ZoneRules rules = zone.getRules();
        LocalDateTime local = beforeFirstLocal(after, rules) ? LocalDateTime.MIN
                : LocalDateTime.ofInstant(after, zone).withNano(0).plusSeconds(1);
        int lastYear = local.getYear() + SEARCH_YEARS;
        while (true) {
            LocalDateTime match = nextLocal(local, null, lastYear);
            if (match == null) {
                throw noFireTime(after, null);
            }
            Instant candidate = toInstant(rules, match);
            if (candidate.isAfter(after)) {
                return candidate;
            }
            local = match.plusSeconds(1);
        }
    }

    /**
     * An interval-style job: the time line is cut at each offset transition into stretches of one
     * offset, and each stretch is searched for the first matching wall time in it. So a wall time
     * that a gap removes is never found, and one that an overlap repeats is found in both stretches.
     */
    private Instant nextByElapsedTime(Instant after) {
        ZoneRules rules = zone.getRules();
        Instant from = Instant.ofEpochSecond(after.getEpochSecond()).plusSeconds(1); // inclusive, whole seconds
        if (beforeFirstLocal(from, rules)) {
            from = LocalDateTime.MIN.toInstant(rules.getOffset(from));
        }
        int lastYear = LocalDateTime.ofInstant(from, zone).getYear() + SEARCH_YEARS;
        while (true) {
            ZoneOffset offset = rules.getOffset(from);
            ZoneOffsetTransition change = rules.nextTransition(from);
            LocalDateTime start = LocalDateTime.ofEpochSecond(from.getEpochSecond(), 0, offset);
            LocalDateTime end = change == null ? null : change.getDateTimeBefore(); // exclusive, in offset
            LocalDateTime match = nextLocal(start, end, lastYear);
            if (match != null) {
                return match.toInstant(offset);
            }
            if (change == null || start.getYear() > lastYear) {
                throw noFireTime(after, null);
            }
            from = change.getInstant();
        }
    }

    /**
     * Whether {@code instant} is before the first wall time a {@link LocalDateTime} holds in the
     * zone ({@link Instant#MIN}, say): every fire time is then still ahead, from that first one on.
     */
    private static boolean beforeFirstLocal(Instant instant, ZoneRules rules) {
        return instant.getEpochSecond() + rules.getOffset(instant).getTotalSeconds() < FIRST_LOCAL_SECOND;
    }

    /**
     * Maps a wall time to the instant it fires at: a gap fires at the transition (the first instant
     * after the gap), an overlap at its first occurrence (the offset before the transition).
     */
    private static Instant toInstant(ZoneRules rules, LocalDateTime local) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.size() == 1) {
            return local.toInstant(offsets.get(0));
        }
        ZoneOffsetTransition t = rules.getTransition(local);
        return offsets.isEmpty() ? t.getInstant() : local.toInstant(t.getOffsetBefore());
    }

    /**
     * Returns the first wall time at or after {@code from} (whole seconds) and before {@code end}
     * (none when null) matching every field, or null if there is none up to the end of
     * {@code lastYear}.
     */
    private LocalDateTime nextLocal(LocalDateTime from, LocalDateTime end, int lastYear) {
        LocalDate date = from.toLocalDate();
        LocalTime time = from.toLocalTime();
        LocalDate lastDate = end == null ? null : end.toLocalDate();
        while (date.getYear() <= lastYear && (lastDate == null || !date.isAfter(lastDate))) {
            if ((months & (1L << date.getMonthValue())) == 0) {
                date = date.withDayOfMonth(1).plusMonths(1);
                time = LocalTime.MIDNIGHT;
                continue;
            }
            if (!dayMatches(date)) {
                date = date.plusDays(1);
                time = LocalTime.MIDNIGHT;
                continue;
            }
            LocalTime t = nextTime(time);
            if (t != null) {
                LocalDateTime match = date.atTime(t);
                return end == null || match.isBefore(end) ? match : null;
            }
            date = date.plusDays(1);
            time = LocalTime.MIDNIGHT;
        }
        return null;
    }

    private boolean dayMatches(LocalDate date) {
        boolean dom = (daysOfMonth & (1L << date.getDayOfMonth())) != 0;
        boolean dow = (daysOfWeek & (1L << (date.getDayOfWeek().getValue() % 7))) != 0;
        return dayOr ? dom || dow : dom && dow;
    }

    /** Returns the first matching time of day at or after {@code from}, or null if none is left. */
    private LocalTime nextTime(LocalTime from) {
        for (int h = nextBit(hours, from.getHour()); h >= 0; h = nextBit(hours, h + 1)) {
            boolean sameHour = h == from.getHour();
            for (int m = nextBit(minutes, sameHour ? from.getMinute() : 0); m >= 0; m = nextBit(minutes, m + 1)) {
                boolean sameMinute = sameHour && m == from.getMinute();
                int s = nextBit(seconds, sameMinute ? from.getSecond() : 0);
                if (s >= 0) {
                    return LocalTime.of(h, m, s);
                }
            }
        }
        return null;
    }

    /** Returns the lowest set bit at or above {@code from}, or -1. */
    private static int nextBit(long bits, int from) {
        if (from > 63) {
            return -1;
        }
        long rest = bits & (-1L << from);
        return rest == 0 ? -1 : Long.numberOfTrailingZeros(rest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CronExpression && ((CronExpression) o).expression.equals(expression)
                && ((CronExpression) o).zone.equals(zone);
    }

    @Override
    public int hashCode() {
        return expression.hashCode() * 31 + zone.hashCode();
    }

    @Override
    public String toString() {
        return "Cron[" + expression + " in " + zone + "]";
    }
}
