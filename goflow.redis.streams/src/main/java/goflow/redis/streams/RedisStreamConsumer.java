package goflow.redis.streams;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.Registration;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.StageResult;
import goflow.api.pipeline.StreamingResult;
import goflow.api.pipeline.StreamingRun;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntryBinary;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * Feeds a Redis stream, read through a consumer group, into a goflow {@link Pipeline} in streaming
 * mode, with at-least-once delivery:
 *
 * <ul>
 * <li>Entries are read with {@code XREADGROUP} in batches, never more than
 *     {@code maxInFlight} read and not yet finished: a slow pipeline reads no faster than it
 *     works, and nothing is read ahead without bound.</li>
 * <li>An entry is acknowledged ({@code XACK}) only once the pipeline has finished it: its result
 *     is appended to the output stream ({@code XADD}) and the entry acknowledged in one Lua script,
 *     so a result is never written without its acknowledgement or the reverse.</li>
 * <li>A result is written as its {@code toString()}; a result whose {@code toString()} throws (an
 *     exception or an {@code Error}) or returns null fails its entry's delivery as a failing stage
 *     does (stage {@code -} in the dead-letter stream, the error naming the exception), and the
 *     other entries flow on.</li>
 * <li>A failed delivery leaves the entry pending; after {@code claimIdle} any consumer of the group
 *     claims it ({@code XAUTOCLAIM}) and delivers it again. When the last allowed delivery fails
 *     (or a claimed entry was already delivered {@code maxDeliveries} times without an outcome, its
 *     consumers having died), it is appended to the dead-letter stream with its error and
 *     acknowledged. A claim counts a delivery only when it hands the entry to the pipeline: Redis
 *     failing in the middle of a claim costs the entry no delivery, even when only the reply of
 *     the command that counts it was lost (the count is set, not incremented, and the next read
 *     finishes that claim).</li>
 * <li>A read whose reply is lost (Redis delivered entries, the network failed before they arrived)
 *     costs them nothing: before reading anything else, the consumer takes back its pending
 *     entries above the last one it received, delivered once and not in flight, and hands them to
 *     the pipeline as that one delivery (a {@link #close()} in the meantime does so too). What a
 *     consumer of the same name left pending before this one started is not taken back.</li>
 * <li>An entry whose field is missing, or is not UTF-8 text (the pipeline takes a {@code String}),
 *     is dead-lettered at once, its bytes kept as they were: it is not decoded with replacement
 *     characters and run.</li>
 * <li>Entries of a consumer that died are claimed by the others after {@code claimIdle}.</li>
 * <li>A consumer never claims back an entry it has in flight itself (read, and not yet finished by
 *     its pipeline), however long that takes: such an entry is slow, not abandoned, and is neither
 *     run twice nor counted as delivered again. Other consumers do claim it after
 *     {@code claimIdle}, as they cannot tell slow from stalled: set {@code claimIdle} above the
 *     time an entry may take, its wait behind {@code maxInFlight - 1} others included.</li>
 * </ul>
 *
 * <p>Duplicates: an entry whose result was written but whose consumer died before the script ran
 * cannot exist (one script does both); an entry finished by the pipeline of a consumer that died
 * before writing it is delivered again. So the duplicates after a crash are at most the entries
 * that consumer had in flight ({@code maxInFlight}), and each is a second run of the pipeline on
 * the same input. A consumer that stalled longer than {@code claimIdle} and finishes an entry that
 * another consumer claimed and acknowledged meanwhile writes nothing for it (the script sees it
 * is no longer pending) and does not count it acknowledged. Ordering: within one consumer, results
 * are written in the order entries were read; across consumers, and for redelivered entries, there
 * is no order.
 *
 * <p>Threads: {@link #start()} starts one supervising thread, {@code goflow-redis-stream-<consumer>},
 * which starts the pipeline's streaming run (its own threads read from Redis, run the stages and
 * write the results) and starts it again after a failure of Redis while writing (entries of the
 * failed run stay pending and are claimed again); a write that fails on a pooled connection the
 * server closed while idle is tried again at once on another one, the run going on, and so is a
 * read (quietly: Redis is up). While Redis is down, reading retries every
 * {@code reconnectInterval} (a {@link #close()} ends that wait at once) and the failure is logged
 * once per outage; a group that a read finds gone ({@code NOGROUP}: Redis restarted without its
 * data, the group or stream deleted) is created again at the stream's start. A consumer whose
 * pipeline was closed stops reading: its thread ends, the error is logged and {@link #stats()} says
 * it is not {@code running}.
 *
 * <p>Thread-safe.
 */
public final class RedisStreamConsumer implements Primitive {
    private static final System.Logger LOG = System.getLogger(RedisStreamConsumer.class.getName());
    private static final Duration MIN_INTERRUPT_BOUND = Duration.ofMillis(100);
    private static final Duration MAX_INTERRUPT_BOUND = Duration.ofSeconds(2);
    /**
     * How many times an outcome is written, or a read tried at once, when each try fails on a
     * connection that was lost (not a timeout, not a failed connect): the idle connections of a
     * pool (8 in Jedis's default pool) may all have been closed together, each try discarding one.
     */
    private static final int LOST_CONNECTION_TRIES = 9;
    /** How many pending entries one {@code XPENDING} lists when a lost reply is settled. */
    private static final int SETTLE_PAGE = 100;
    /**
     * Appends an entry to KEYS[1] and acknowledges ARGV[2] of group ARGV[1] in stream KEYS[2]: the
     * two in one step, so a result and its acknowledgement are written together or not at all;
     * returns 1. ARGV[3..] are the field-value pairs of the appended entry. Does nothing and returns
     * 0 when the entry is no longer pending: another consumer (which claimed it while this one
     * stalled) already wrote its outcome and acknowledged it.
     */
    static final String APPEND_AND_ACK = "if #redis.call('XPENDING', KEYS[2], ARGV[1], ARGV[2], ARGV[2], 1) == 0 then\n"
            + "  return 0\n"
            + "end\n"
            + "redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))\n"
            + "return redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])";

    /**
     * Claims for this consumer the entries ARGV[3], ARGV[5], ... of group ARGV[1] in stream KEYS[1]
     * that are still pending with consumer ARGV[2], setting each one's delivery count to ARGV[4],
     * ARGV[6], ... ({@code RETRYCOUNT}: set, not incremented, so that running it again after a
     * lost reply counts the delivery once); returns the entries claimed, each as {@code XRANGE}
     * gives it: {@code [id, [field, value, ...]]}. An entry no longer pending with this consumer
     * (acknowledged, or claimed by another since) is left alone; one deleted from the stream while
     * pending is acknowledged (nothing to deliver).
     */
    static final String CLAIM_COUNTED = "local claimed = {}\n"
            + "for i = 3, #ARGV, 2 do\n"
            + "  if #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2]) == 1 then\n"
            + "    local e = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])\n"
            + "    if #e == 0 then\n"
            + "      redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])\n"
            + "    else\n"
            + "      redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'RETRYCOUNT', ARGV[i + 1], 'JUSTID')\n"
            + "      claimed[#claimed + 1] = e[1]\n"
            + "    end\n"
            + "  end\n"
            + "end\n"
            + "return claimed";

    private final UnifiedJedis redis;
    /** The client the consumer opened itself ({@link #builder()}), closed by close; null on a given client. */
    private final RedisClient ownClient;
    private final Duration reconnectInterval;
    /** host:port/db and the user of the own connection, for the error of a refused login. */
    private final String endpoint;
    private final String user;
    private final String stream;
    private final String group;
    private final String consumer;
    private final String field;
    /** The field, stream, group and consumer names in UTF-8, as the binary commands take them (encoded once). */
    private final byte[] fieldKey;
    private final byte[] streamKey;
    private final byte[] groupName;
    private final byte[] consumerName;
    private final String output;
    private final String deadLetter;
    private final int batch;
    private final Duration block;
    private final Duration claimIdle;
    private final int maxDeliveries;
    private final int maxInFlight;
    private final int concurrency;
    private final int buffer;
    private final Pipeline<String, ?> pipeline;
    private final String name;
    /** The listing in a GoFlow's registry, set once right after construction. */
    private volatile Registration listing = Registration.NONE;

    private final AtomicLong read = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong claimed = new AtomicLong();
    private final AtomicLong failedDeliveries = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when an entry is finished (room to read more) and on close. */
    private final Condition room = lock.newCondition();
    /**
     * The entries handed to the current run, oldest first. The run keeps input order, so each
     * result or failure belongs to the head. Guarded by lock.
     */
    private final ArrayDeque<Delivery> inPipeline = new ArrayDeque<>();
    /** Entries read and not yet handed to the run. Guarded by lock. */
    private final ArrayDeque<Delivery> fetched = new ArrayDeque<>();
    /**
     * The entry the run's output thread took from {@link #inPipeline} and is writing the outcome of
     * (result and acknowledgement, or a failed delivery), or null: still in flight until then, so not
     * claimed back by this consumer. Guarded by lock.
     */
    private Delivery settling;
    /** The current run, while one is going. Guarded by lock. */
    private StreamingRun run;
    /** Set once by close: no more reading, the run drains. */
    private volatile boolean stopping;
    /** The supervising thread, once started. Guarded by lock. */
    private Thread supervisor;
    /**
     * The threads of the current run, for the WARNING of a close that gives up on some: the
     * threads named {@code goflow-pipeline-<pipeline>-<n>} that came to life while the supervisor
     * started the run (a streaming run starts all its threads before {@code start} returns). Empty
     * while no run is going. Guarded by lock.
     */
    private Set<Thread> runThreads = Set.of();

    /**
     * Marks the threads that are a consumer's own, so that close() knows when it is called from
     * one of them (it must not wait for itself): its supervisor, and the threads of the runs the
     * supervisor starts (a streaming run creates its threads on the thread that starts it), which
     * inherit the mark from the supervisor alone. A thread that one of those creates (a stage's
     * own thread) is not the consumer's: the run does not wait for it.
     */
    private static final InheritableThreadLocal<Own> OWN = new InheritableThreadLocal<>() {
        @Override
        protected Own childValue(Own parent) {
            // runs on the creating thread, while the new thread is being constructed
            return parent != null && parent.supervisor() == Thread.currentThread()
                    ? new Own(parent.consumer(), null) : null;
        }
    };

    /**
     * The mark of a consumer's own thread: {@code supervisor} is the supervising thread on the
     * supervisor itself (which passes the mark on), null on a thread of a run.
     */
    private record Own(RedisStreamConsumer consumer, Thread supervisor) {
    }

    /**
     * A claim that Redis failed in the middle of, once the deliveries to count were decided: each
     * entry (still owned by this consumer) with the delivery count it gets when it is delivered,
     * the count read before the claim plus one; empty when none. The next read finishes it first,
     * with {@link #CLAIM_COUNTED}, which sets the count rather than incrementing it: the delivery
     * is counted once whether or not the command whose reply was lost ran. Only the reading thread
     * of the current run uses it (a run starts after every thread of the previous one ended);
     * volatile for that hand-over. An immutable map.
     */
    private volatile Map<StreamEntryID, Long> unfinishedClaim = Map.of();

    /**
     * The highest id of an entry this consumer received from a read of new entries, or took back
     * after such a read's reply was lost; at {@link #start()}, the highest id pending in the group
     * then (so nothing a consumer of the same name left pending before counts as read here); the
     * stream's start after the group was created again. Every entry of this consumer's that a read
     * of new entries delivered without its reply arriving has a higher id and a delivery count of
     * 1 (see {@link #uncertain}). Only the reading thread of the current run writes it after start;
     * volatile for the hand-over between runs.
     */
    private volatile StreamEntryID lastRead = new StreamEntryID(0, 0);

    /**
     * Which command's reply was lost (it failed without an error reply: Redis may have run it), if
     * any, so that what it did is settled before anything else is read ({@code Reader.settle}):
     * a read of new entries gave this consumer entries the pipeline never saw, each counted as one
     * delivery; a claim took entries over without counting. Only the reading thread of the current
     * run uses it; volatile for the hand-over between runs.
     */
    private volatile Unsettled unsettled = Unsettled.NONE;

    /** What a command whose reply was lost may have done; see {@link #unsettled}. */
    private enum Unsettled {
        /** Nothing is unsettled. */
        NONE,
        /** A read of new entries ({@code XREADGROUP ... >}) may have delivered entries to this consumer. */
        READ,
        /** A claim may have taken entries over for this consumer without handing them to the pipeline. */
        CLAIM
    }

    /**
     * Test seam, not configuration: run on the reading thread right after a claim's
     * {@code XAUTOCLAIM} returned, before its follow-up commands, so that a test can make Redis
     * fail in between. Does nothing unless a test in this package sets it before start.
     */
    volatile Runnable afterClaim = () -> { };

    /**
     * One entry on its way through the pipeline: {@code input} is its field's value, null when it
     * has no such field or when the value is not UTF-8 text; {@code undecodable} is then that value's
     * bytes (null otherwise), kept as they are for the dead-letter stream.
     */
    private record Delivery(StreamEntryID id, String input, byte[] undecodable, long deliveries) {
    }

    /**
     * The delivery of an entry whose field holds {@code value} (null: no such field). The pipeline
     * takes text: a value that is not UTF-8 is not decoded with replacement characters (the
     * pipeline would run on mangled input and its result be written as if nothing were wrong),
     * its bytes are kept for the dead-letter stream.
     */
    private static Delivery delivery(StreamEntryID id, byte[] value, long deliveries) {
        if (value == null) {
            return new Delivery(id, null, null, deliveries);
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
            return new Delivery(id, text, null, deliveries);
        } catch (CharacterCodingException e) {
            return new Delivery(id, null, value, deliveries);
        }
    }

    /** The value of this consumer's field among an entry's fields as read, or null. */
    private byte[] fieldValue(Map<byte[], byte[]> fields) {
        if (fields == null) {
            return null;
        }
        for (Map.Entry<byte[], byte[]> f : fields.entrySet()) {
            if (Arrays.equals(f.getKey(), fieldKey)) {
                return f.getValue();
            }
        }
        return null;
    }

    /** The value of this consumer's field among an entry's field-value pairs (raw reply bulks), or null. */
    private byte[] fieldValue(List<?> pairs) {
        if (pairs == null) {
            return null;
        }
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            if (pairs.get(i) instanceof byte[] f && Arrays.equals(f, fieldKey)) {
                return (byte[]) pairs.get(i + 1);
            }
        }
        return null;
    }

    /** The smallest entry id above {@code id}, for a range that starts after it. */
    private static StreamEntryID after(StreamEntryID id) {
        return id.getSequence() == Long.MAX_VALUE // the highest a Java long holds (ids above it cannot be read here)
                ? new StreamEntryID(id.getTime() + 1, 0) : new StreamEntryID(id.getTime(), id.getSequence() + 1);
    }

    /** A bulk string of a reply, as a Java string (an id, a field name). */
    private static String text(Object bulk) {
        return bulk instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(bulk);
    }

    RedisStreamConsumer(RedisStreamConsumerBuilder b, RedisClient own) {
        this.redis = own != null ? own : b.redis;
        this.ownClient = own;
        this.reconnectInterval = b.reconnectInterval;
        this.endpoint = own != null ? b.endpoint() : null;
        this.user = own != null ? b.effectiveUser() : null;
        this.stream = b.stream;
        this.group = b.group;
        this.consumer = b.consumer;
        this.field = b.field;
        this.fieldKey = field.getBytes(StandardCharsets.UTF_8);
        this.streamKey = stream.getBytes(StandardCharsets.UTF_8);
        this.groupName = group.getBytes(StandardCharsets.UTF_8);
        this.consumerName = consumer.getBytes(StandardCharsets.UTF_8);
        this.output = b.output;
        this.deadLetter = b.deadLetter;
        this.batch = b.batch;
        this.block = b.block;
        this.claimIdle = b.claimIdle;
        this.maxDeliveries = b.maxDeliveries;
        this.maxInFlight = b.maxInFlight;
        this.concurrency = b.concurrency;
        this.buffer = b.buffer;
        this.pipeline = b.pipeline;
        this.name = b.name;
    }

    /** Keeps the registry listing made by the builder, removed by {@link #close()}. */
    void listing(Registration registration) {
        this.listing = registration;
    }

    /**
     * Returns the consumer's name as a goflow primitive ({@link RedisStreamConsumerBuilder#name}).
     *
     * @return the name
     */
    @Override
    public String name() {
        return name;
    }

    /**
     * Returns {@link Primitive.Kind#STREAM_CONSUMER}.
     *
     * @return the kind
     */
    @Override
    public Kind kind() {
        return Kind.STREAM_CONSUMER;
    }

    /**
     * Starts building a consumer on a Redis client (a pooled {@code RedisClient}, or goflow.redis's
     * shared client).
     *
     * @param redis the client; the consumer does not close it
     * @return a new builder
     */
    public static RedisStreamConsumerBuilder builder(UnifiedJedis redis) {
        return new RedisStreamConsumerBuilder(java.util.Objects.requireNonNull(redis, "redis"));
    }

    /**
     * Starts building a consumer that opens its own connection, configured with the builder's
     * {@code uri}, {@code user}, {@code password} and {@code timeout} (the settings of
     * goflow.redis's connection), and closes it when closed.
     *
     * @return a new builder
     */
    public static RedisStreamConsumerBuilder builder() {
        return new RedisStreamConsumerBuilder(null);
    }

    /**
     * Returns this consumer's name in the group.
     *
     * @return the name
     */
    public String consumer() {
        return consumer;
    }

    /**
     * Creates the group when missing and starts reading.
     *
     * @throws IllegalStateException if it was started before, or is closed
     * @throws InvalidConfigException naming {@code password} (never its value) or {@code user} if
     *     Redis refused the consumer's own connection's login, or the user lacks a permission
     * @throws redis.clients.jedis.exceptions.JedisException if Redis cannot be reached to create
     *     the group
     */
    public void start() {
        lock.lock();
        try {
            if (stopping) {
                throw new IllegalStateException("redis stream consumer " + consumer + " is closed: it cannot start");
            }
            if (supervisor != null) {
                throw new IllegalStateException("redis stream consumer " + consumer + " was started before");
            }
            try {
                ensureGroup();
                // entries pending with this consumer's name from before (a process that used it and
                // died) were delivered then: never taken for entries of a read whose reply was lost
                StreamEntryID highest = redis.xpending(stream, group).getMaxId();
                lastRead = highest != null ? highest : new StreamEntryID(0, 0);
            } catch (RuntimeException e) {
                throw refusedLogin(e);
            }
            supervisor = new Thread(this::supervise, "goflow-redis-stream-" + consumer);
            supervisor.setDaemon(true);
            supervisor.start();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Turns Redis's refusal of the login (WRONGPASS, NOAUTH) or of a command (NOPERM) into an error
     * naming the property to fix; anything else is returned as it is.
     */
    private RuntimeException refusedLogin(RuntimeException e) {
        String message = null;
        for (Throwable t = e; t != null && message == null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.startsWith("WRONGPASS") || m.startsWith("NOAUTH") || m.startsWith("NOPERM"))) {
                message = m;
            }
        }
        if (message == null) {
            return e;
        }
        String who = user == null ? "the default user" : "user '" + user + "'";
        String where = endpoint == null ? "redis" : "redis " + endpoint;
        InvalidConfigException refused;
        if (message.startsWith("NOPERM")) {
            refused = new InvalidConfigException("redis-stream-consumer", "user", user,
                    "lacks a permission on " + where, "grant the stream commands (+@stream), +eval and the keys of "
                            + stream + ", " + output + " and " + deadLetter + " (" + message + ")");
        } else {
            refused = new InvalidConfigException("redis-stream-consumer", "password", "****",
                    "was refused by " + where + " for " + who,
                    "check the properties user and password (" + message.split("\\s", 2)[0] + ")");
        }
        refused.addSuppressed(e);
        return refused;
    }

    private void ensureGroup() {
        try {
            redis.xgroupCreate(stream, group, new StreamEntryID(0, 0), true);
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /** Whether Redis answered that the group (or its stream) does not exist. */
    private static boolean isNoGroup(RuntimeException e) {
        return e instanceof JedisDataException && e.getMessage() != null && e.getMessage().startsWith("NOGROUP");
    }

    /** Runs the pipeline, again after a failure, until closed. */
    private void supervise() {
        OWN.set(new Own(this, Thread.currentThread()));
        String runThreadName = "goflow-pipeline-" + pipeline.name() + "-";
        while (!stopping) {
            StreamingRun current;
            lock.lock();
            try {
                if (stopping) {
                    return;
                }
                Set<Thread> before = StuckThreads.live(runThreadName);
                current = pipeline.stream().concurrency(concurrency).buffer(buffer).onError(this::failed)
                        .start(Context.background(), new Reader(), this::finished);
                run = current;
                Set<Thread> started = StuckThreads.live(runThreadName);
                started.removeAll(before);
                runThreads = started;
            } catch (RuntimeException e) { // the pipeline was closed: it never runs again
                LOG.log(System.Logger.Level.ERROR, "goflow: redis stream consumer " + consumer + " of " + stream
                        + " stops reading: its pipeline cannot run (" + e + "); its pending entries are claimed by"
                        + " the group after " + claimIdle);
                return;
            } finally {
                lock.unlock();
            }
            StreamingResult result;
            try {
                result = current.completion().get();
            } catch (InterruptedException e) {
                current.cancel();
                return;
            } catch (ExecutionException e) {
                result = null;
            }
            lock.lock();
            try {
                run = null;
                runThreads = Set.of();
                // what the ended run held is still pending in Redis: it is claimed again after claimIdle
                inPipeline.clear();
                fetched.clear();
                settling = null;
                room.signalAll();
            } finally {
                lock.unlock();
            }
            if (!stopping) {
                Throwable error = result == null ? null : result.error();
                LOG.log(System.Logger.Level.WARNING, "goflow: redis stream consumer " + consumer + " of " + stream
                        + ": the pipeline run ended (" + (error == null ? "no error" : error) + "); starting it again"
                        + " in " + reconnectInterval.toMillis() + " ms (its unfinished entries are claimed again after "
                        + claimIdle + ")");
                LockSupport.parkNanos(reconnectInterval.toNanos());
            }
        }
    }

    /** The run's source: entries read from Redis, at most maxInFlight unfinished. Used by the run's reading thread. */
    private final class Reader implements Iterator<String> {
        private String next;
        private long lastClaim = System.nanoTime() - claimIdle.toNanos();
        private StreamEntryID claimCursor = new StreamEntryID(0, 0);
        private boolean failing;
        /**
         * How many reads in a row failed on a lost connection and were tried again at once (a
         * pooled connection the server closed while idle, not Redis down); 0 after a read that
         * succeeded or failed otherwise.
         */
        private int lostInARow;

        @Override
        public boolean hasNext() {
            while (next == null) {
                if (Thread.currentThread().isInterrupted()) {
                    // the run was cancelled (close's grace over, its pipeline closed): it interrupts its threads
                    return false;
                }
                // Entries read are handed on even when closing: they were delivered (a claim set their
                // count), and left behind they would wait claimIdle for a claim that counts another one
                Delivery d = nextFetched();
                if (d != null) {
                    next = d.input();
                    break;
                }
                if (stopping) { // closing: no more reading, but what Redis already delivered is handed on too
                    if (settleOnClose()) {
                        continue;
                    }
                    return false;
                }
                try {
                    fill();
                    lostInARow = 0;
                    if (failing) {
                        failing = false;
                        LOG.log(System.Logger.Level.INFO, "goflow: redis stream consumer " + consumer + " reads "
                                + stream + " again");
                    }
                } catch (RuntimeException e) { // Redis down or slow: retry after a pause, log once per outage
                    if (!failing && e instanceof JedisConnectionException lost && isLostConnection(lost)
                            && ++lostInARow < LOST_CONNECTION_TRIES) {
                        // a connection the server closed (its timeout, CLIENT KILL, a proxy): Redis is likely up,
                        // the read is tried again at once on another; if Redis is down, that one fails to connect
                        continue;
                    }
                    lostInARow = 0;
                    if (!failing) {
                        failing = true;
                        LOG.log(System.Logger.Level.WARNING, "goflow: redis stream consumer " + consumer
                                + " cannot read " + stream + " (" + e + "); retrying every "
                                + reconnectInterval.toMillis() + " ms");
                    }
                    if (isNoGroup(e)) {
                        recreateGroup();
                    }
                    pause();
                }
            }
            return true;
        }

        /**
         * Waits reconnectInterval before reading again, or less: close() signals room (the loop
         * then sees stopping), and the run's cancel interrupts this thread (the flag is kept for
         * hasNext).
         */
        private void pause() {
            long left = reconnectInterval.toNanos();
            lock.lock();
            try {
                while (left > 0 && !stopping) {
                    left = room.awaitNanos(left); // woken early when an entry finishes: wait out the rest
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        }

        /**
         * Creates the group again when it went away under the consumer (Redis restarted without its
         * data, or the group or the stream was deleted): at the stream's start, as start() does, so
         * the entries still in the stream are read again rather than lost. A failure is left to the
         * next read's retry.
         */
        private void recreateGroup() {
            try {
                ensureGroup();
                lastRead = new StreamEntryID(0, 0); // nothing of this consumer's is pending in the new group
                unsettled = Unsettled.NONE;
                LOG.log(System.Logger.Level.WARNING, "goflow: redis stream consumer " + consumer + ": group " + group
                        + " of " + stream + " was gone (Redis restarted without its data, or it was deleted); created"
                        + " it again at the stream's start");
            } catch (RuntimeException notYet) {
                // Redis is still going away or coming back: the next read tries again
            }
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            String n = next;
            next = null;
            return n;
        }

        /** Hands the oldest fetched entry to the run, or returns null when none is fetched. */
        private Delivery nextFetched() {
            lock.lock();
            try {
                Delivery d = fetched.poll();
                if (d != null) {
                    inPipeline.addLast(d);
                }
                return d;
            } finally {
                lock.unlock();
            }
        }

        /** Reads up to the room left: claimed entries first (at most every claimIdle / 2), then new ones. */
        private void fill() {
            int want;
            lock.lock();
            try {
                want = Math.min(batch, maxInFlight - fetched.size() - inPipeline.size());
                if (want <= 0) {
                    room.await(block.toNanos(), TimeUnit.NANOSECONDS);
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the run was cancelled: hasNext ends the source
                return;
            } finally {
                lock.unlock();
            }
            if (finishClaim() > 0) { // a claim Redis failed in the middle of: finished before anything else
                return;
            }
            if (settle() > 0) { // a command whose reply was lost: what it did is settled before anything else
                return;
            }
            long now = System.nanoTime();
            if (now - lastClaim >= claimIdle.toNanos() / 2) {
                lastClaim = now;
                int taken;
                try {
                    taken = claim(want);
                } catch (RuntimeException | Error e) {
                    unsettled = Unsettled.CLAIM;
                    throw e;
                }
                if (taken > 0) {
                    return;
                }
            }
            // read as bytes: a value that is not UTF-8 is told apart, not decoded with replacement characters
            List<Map.Entry<byte[], List<StreamEntryBinary>>> got;
            try {
                got = redis.xreadGroupBinary(groupName, consumerName,
                        XReadGroupParams.xReadGroupParams().count(want).block((int) block.toMillis()),
                        Map.of(streamKey, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            } catch (JedisDataException e) {
                throw e; // an error reply (NOGROUP): nothing was read
            } catch (RuntimeException | Error e) {
                unsettled = Unsettled.READ; // the reply may be lost after Redis delivered entries
                throw e;
            }
            if (got != null) {
                List<Delivery> batch = new ArrayList<>();
                for (Map.Entry<byte[], List<StreamEntryBinary>> s : got) {
                    for (StreamEntryBinary e : s.getValue()) {
                        batch.add(delivery(e.getID(), fieldValue(e.getFields()), 1));
                    }
                }
                if (!batch.isEmpty()) {
                    lastRead = batch.get(batch.size() - 1).id(); // a read returns entries in id order
                }
                accept(batch);
            }
        }

        /**
         * On close: finishes a claim Redis failed in the middle of and settles a command whose reply
         * was lost, once, as the next read would; returns whether entries were handed on. Those
         * entries were delivered (a read or a claim counted them): left behind, they would wait
         * {@code claimIdle} and be counted a delivery more by the consumer that claims them. If
         * Redis fails, they are left so (pending, claimed after {@code claimIdle}).
         */
        private boolean settleOnClose() {
            try {
                return finishClaim() > 0 || settle() > 0;
            } catch (RuntimeException e) {
                return false;
            }
        }

        /**
         * Settles what a command whose reply was lost did ({@link #unsettled}); returns how many
         * entries it handed to the pipeline. Throws, keeping it unsettled for the next read, if
         * Redis fails; settling again finds the same entries.
         *
         * <p>The entries to settle are this consumer's pending entries above {@link #lastRead}
         * with a delivery count of 1, not in flight: a read of new entries delivers nothing else
         * above it (it only ever delivers entries above every one delivered before, counted 1);
         * claimed entries are counted 2 or more once taken on, and a claim that took entries over
         * without counting them (its reply lost, or Redis failing before its counting step) is
         * settled before the next read. So after a lost read they are exactly the entries that
         * read delivered: handed to the pipeline as that delivery, counted once; after a claim,
         * the ones it took over that a later settling of a read would mistake for read: taken on
         * as a claim (counted, or dead-lettered when they have no delivery left). Without this, a
         * lost read's entries waited claimIdle and were counted a delivery they never had (with
         * {@code maxDeliveries(1)}, dead-lettered unrun).
         *
         * <p>Settled once, it sees what Redis did until then: a read whose request reaches Redis
         * only after that (held up in the network past the timeout, the settling's own round trip
         * coming through first) delivers entries nothing takes back; they wait claimIdle and count
         * a delivery more, as any lost read's did before. Nor can it tell this consumer's entries
         * from those of another process using the same consumer name at the same time (the name
         * must be unique among the group's live consumers): it would take that one's entries in
         * flight above {@link #lastRead} and run them again (the first outcome written wins).
         */
        private int settle() {
            Unsettled u = unsettled;
            if (u == Unsettled.NONE) {
                return 0;
            }
            Set<StreamEntryID> ours = inFlightIds();
            List<StreamEntryID> found = new ArrayList<>();
            StreamEntryID from = after(lastRead);
            for (;;) {
                List<StreamPendingEntry> page = redis.xpending(stream, group, XPendingParams.xPendingParams(
                        from, StreamEntryID.MAXIMUM_ID, SETTLE_PAGE).consumer(consumer));
                for (StreamPendingEntry p : page) {
                    if (p.getDeliveredTimes() == 1 && !ours.contains(p.getID())) {
                        found.add(p.getID());
                    }
                }
                if (page.size() < SETTLE_PAGE) {
                    break;
                }
                from = after(page.get(page.size() - 1).getID());
            }
            int taken;
            if (u == Unsettled.READ) {
                Map<StreamEntryID, Long> once = new LinkedHashMap<>();
                for (StreamEntryID id : found) {
                    once.put(id, 1L);
                }
                List<Delivery> back = takeCounted(once);
                if (!found.isEmpty()) {
                    lastRead = found.get(found.size() - 1); // XPENDING lists in id order
                }
                unsettled = Unsettled.NONE;
                accept(back);
                taken = back.size();
            } else {
                taken = takeOn(found);
                unsettled = Unsettled.NONE;
            }
            return taken;
        }

        /**
         * Claims entries idle for claimIdle (from any consumer); returns how many it took on. A
         * claim costs an entry a delivery only when it is handed to the pipeline: XAUTOCLAIM with
         * JUSTID takes the entries without counting a delivery, their counts are read, and
         * {@link #finishClaim()} sets the count of the entries to deliver to one more and hands
         * them over. If Redis fails before that, the entries are merely owned by this consumer,
         * idle again: claimed again after claimIdle with the count they had. If it fails during
         * it (its reply lost, whether or not it ran), the next read finishes it, setting the same
         * counts. Entries to dead-letter are dead-lettered after the others were taken on, so a
         * failing dead-letter write costs the others nothing.
         */
        private int claim(int want) {
            // Read before XAUTOCLAIM: only this thread adds entries in flight, so every entry in flight
            // when XAUTOCLAIM runs is in it (one that settled since was acknowledged, or failed and is
            // claimed at the next try).
            Set<StreamEntryID> ours = inFlightIds();
            Map.Entry<StreamEntryID, List<StreamEntryID>> r = redis.xautoclaimJustId(stream, group, consumer,
                    claimIdle.toMillis(), claimCursor, XAutoClaimParams.xAutoClaimParams().count(want));
            claimCursor = r.getKey();
            afterClaim.run();
            List<StreamEntryID> ids = new ArrayList<>();
            for (StreamEntryID id : r.getValue()) {
                // an entry still on its way through this consumer's run is not idle but slow (a long
                // stage, or a queue behind one): delivering it again would run it twice and count
                // deliveries it never failed, up to a dead letter. XAUTOCLAIM only reset its idle time.
                if (id != null && !ours.contains(id)) {
                    ids.add(id);
                }
            }
            return takeOn(ids);
        }

        /**
         * Takes on entries this consumer owns, not in flight, as a claim: each with deliveries left
         * is counted one more and handed to the pipeline ({@link #finishClaim()}), the others are
         * dead-lettered; returns how many were handed over. An entry no longer this consumer's is
         * left alone.
         */
        private int takeOn(List<StreamEntryID> ids) {
            if (ids.isEmpty()) {
                return 0;
            }
            // claimed is counted as entries are taken on (finishClaim) or dead-lettered, not here: a claim Redis
            // fails in the middle of leaves its entries idle, claimed again later, and would count them twice
            Map<StreamEntryID, Long> deliveries = new HashMap<>();
            for (StreamPendingEntry p : redis.xpending(stream, group, XPendingParams.xPendingParams(
                    ids.get(0), ids.get(ids.size() - 1), ids.size() * 2).consumer(consumer))) {
                deliveries.put(p.getID(), p.getDeliveredTimes());
            }
            Map<StreamEntryID, Long> deliver = new LinkedHashMap<>();
            List<StreamEntryID> exhausted = new ArrayList<>();
            for (StreamEntryID id : ids) {
                Long n = deliveries.get(id);
                if (n == null) { // the range held more of this consumer's pending entries than asked for
                    n = deliveredTimes(id);
                }
                if (n == null) { // no longer this consumer's: claimed by another, or acknowledged, since
                    continue;
                }
                deliveries.put(id, n);
                if (n >= maxDeliveries) {
                    exhausted.add(id);
                } else {
                    deliver.put(id, n + 1);
                }
            }
            int taken = 0;
            if (!deliver.isEmpty()) {
                unfinishedClaim = Collections.unmodifiableMap(deliver);
                taken = finishClaim();
            }
            for (StreamEntryID id : exhausted) {
                byte[] at = id.toString().getBytes(StandardCharsets.UTF_8);
                List<Object> found = redis.xrange(streamKey, at, at, 1);
                List<?> pairs = found.isEmpty() ? null : (List<?>) ((List<?>) found.get(0)).get(1);
                if (pairs == null) { // deleted from the stream while pending
                    redis.xack(stream, group, id);
                    continue;
                }
                long n = deliveries.get(id);
                Delivery d = delivery(id, fieldValue(pairs), n);
                read.incrementAndGet();
                claimed.incrementAndGet();
                deadLetter(d, "delivered " + n + " times without an outcome (its consumers died or stalled)", "-");
            }
            return taken;
        }

        /**
         * The ids of the entries this consumer has read and not finished: fetched, in the run, or
         * having their outcome written.
         */
        private Set<StreamEntryID> inFlightIds() {
            lock.lock();
            try {
                Set<StreamEntryID> ids = new HashSet<>();
                for (Delivery d : fetched) {
                    ids.add(d.id());
                }
                for (Delivery d : inPipeline) {
                    ids.add(d.id());
                }
                if (settling != null) {
                    ids.add(settling.id());
                }
                return ids;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Finishes {@link #unfinishedClaim}: sets the delivery count of its entries still pending
         * with this consumer and hands them to the pipeline, in their order (an entry deleted from
         * the stream meanwhile is acknowledged), in one round trip; returns how many. Throws, keeping it for the next
         * read, if Redis fails; running it again sets the same counts.
         */
        private int finishClaim() {
            Map<StreamEntryID, Long> counts = unfinishedClaim;
            if (counts.isEmpty()) {
                return 0;
            }
            List<Delivery> taken = takeCounted(counts);
            unfinishedClaim = Map.of();
            claimed.addAndGet(taken.size());
            accept(taken);
            return taken.size();
        }

        /**
         * Sets the delivery count of the given entries still pending with this consumer, in one
         * round trip ({@link #CLAIM_COUNTED}), and returns their deliveries in that order (an entry
         * deleted from the stream meanwhile is acknowledged, and not returned). Running it again
         * sets the same counts.
         */
        private List<Delivery> takeCounted(Map<StreamEntryID, Long> counts) {
            if (counts.isEmpty()) {
                return List.of();
            }
            List<byte[]> args = new ArrayList<>(List.of(groupName, consumerName));
            counts.forEach((id, n) -> {
                args.add(id.toString().getBytes(StandardCharsets.UTF_8));
                args.add(Long.toString(n).getBytes(StandardCharsets.UTF_8));
            });
            List<Delivery> taken = new ArrayList<>(); // the reply as bytes: values are decoded by delivery()
            for (Object entry : (List<?>) redis.eval(CLAIM_COUNTED.getBytes(StandardCharsets.UTF_8),
                    List.of(streamKey), args)) {
                List<?> idAndFields = (List<?>) entry;
                StreamEntryID id = new StreamEntryID(text(idAndFields.get(0)));
                taken.add(delivery(id, fieldValue((List<?>) idAndFields.get(1)), counts.get(id)));
            }
            return taken;
        }

        /** How often the entry was delivered, if it is pending and owned by this consumer; else null. */
        private Long deliveredTimes(StreamEntryID id) {
            for (StreamPendingEntry p : redis.xpending(stream, group,
                    XPendingParams.xPendingParams(id, id, 1).consumer(consumer))) {
                if (p.getID().equals(id)) {
                    return p.getDeliveredTimes();
                }
            }
            return null;
        }

        /**
         * Counts the entries read and queues them for the run, in their order, then dead-letters
         * those without the field, or whose field is not UTF-8 text (at once: every delivery would
         * be the same). Queued first: a dead-letter write that fails throws (the read is
         * tried again after a pause) and must not leave the rest of its batch behind, pending with
         * a delivery counted, until a claim takes it after claimIdle. An entry whose dead-letter
         * write failed stays pending, claimed again later.
         */
        private void accept(List<Delivery> deliveries) {
            List<Delivery> unfit = new ArrayList<>();
            lock.lock();
            try {
                for (Delivery d : deliveries) {
                    read.incrementAndGet();
                    if (d.input() == null) {
                        unfit.add(d);
                    } else {
                        fetched.addLast(d);
                    }
                }
            } finally {
                lock.unlock();
            }
            RuntimeException failure = null;
            for (Delivery d : unfit) {
                try {
                    deadLetter(d, d.undecodable() != null ? "the field '" + field + "' is not valid UTF-8 text"
                            : "the entry has no field '" + field + "'", "-");
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** The run's sink: the result of the oldest entry in the pipeline. Called on the run's output thread. */
    private void finished(Object result) {
        Delivery d = take();
        try {
            // The result's text is user code: if it fails, that entry fails (a throw here would stop the run,
            // and every entry the run held would wait for a claim and count a delivery more). An Error too
            // (a toString() calling itself): the run treats a stage's Error as that item's failure alike.
            String text;
            try {
                text = String.valueOf(result);
            } catch (RuntimeException | Error e) {
                failedDelivery(d, "the result's toString() threw " + e, "-");
                return;
            }
            if (text == null) {
                failedDelivery(d, "the result's toString() returned null", "-");
                return;
            }
            Object acked = onLiveConnection(() -> redis.eval(APPEND_AND_ACK, List.of(output, stream),
                    List.of(group, d.id().toString(), field, text, "source", d.id().toString())));
            if (Long.valueOf(1).equals(acked)) { // else another consumer acknowledged it first: not written again
                acknowledged.incrementAndGet();
            }
        } finally {
            settled();
        }
    }

    /** The run's error handler: the oldest entry in the pipeline failed. Called on the run's output thread. */
    private void failed(String input, StageResult failure) {
        Delivery d = take();
        try {
            failedDelivery(d, errorText(failure.error()), failure.stageName());
        } finally {
            settled();
        }
    }

    /**
     * The text of a stage's error for the dead-letter stream. Its {@code toString()} is user code
     * (an exception's {@code getMessage()}): if that throws, the error is named by its class, as a
     * throw here would stop the run.
     */
    private static String errorText(Throwable error) {
        try {
            return String.valueOf(error);
        } catch (RuntimeException | Error e) {
            return error.getClass().getName() + " (its toString() threw " + e.getClass().getName() + ")";
        }
    }

    /** Counts a failed delivery and dead-letters the entry if it was its last. */
    private void failedDelivery(Delivery d, String error, String stage) {
        failedDeliveries.incrementAndGet();
        if (d.deliveries() >= maxDeliveries) {
            deadLetter(d, error, stage);
        }
        // otherwise it stays pending: claimed and delivered again after claimIdle
    }

    private Delivery take() {
        lock.lock();
        try {
            Delivery d = inPipeline.poll();
            if (d == null) {
                throw new IllegalStateException("a result with no entry in flight: the run must keep input order");
            }
            settling = d;
            room.signalAll();
            return d;
        } finally {
            lock.unlock();
        }
    }

    /** The entry taken by {@link #take()} has its outcome written (or stays pending after a failure). */
    private void settled() {
        lock.lock();
        try {
            settling = null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends the entry to the dead-letter stream and acknowledges it; its field's value as read
     * (bytes kept as they are).
     */
    private void deadLetter(Delivery d, String error, String stage) {
        List<byte[]> args = new ArrayList<>();
        for (String a : List.of(group, d.id().toString(), "source", d.id().toString(), "error", error, "stage", stage,
                "deliveries", Long.toString(d.deliveries()))) {
            args.add(a.getBytes(StandardCharsets.UTF_8));
        }
        byte[] value = d.input() != null ? d.input().getBytes(StandardCharsets.UTF_8) : d.undecodable();
        if (value != null) {
            args.add(fieldKey);
            args.add(value);
        }
        if (Long.valueOf(1).equals(onLiveConnection(() -> redis.eval(APPEND_AND_ACK.getBytes(StandardCharsets.UTF_8),
                List.of(deadLetter.getBytes(StandardCharsets.UTF_8), streamKey), args)))) {
            deadLettered.incrementAndGet();
            acknowledged.incrementAndGet();
        }
    }

    /**
     * Runs {@link #APPEND_AND_ACK} (a result, or a dead letter), again at once while it fails on a
     * connection that was lost rather than on Redis: a pooled connection that the server closed
     * while it was idle (its {@code timeout}, {@code CLIENT KILL}; a proxy or a NAT alike) breaks
     * the one call that takes it, though Redis is up. Were that failure thrown, the run would end
     * and every entry it held wait {@code claimIdle} for a claim, counting a delivery more. Safe to
     * run again: the script writes nothing for an entry no longer pending, so a try whose reply
     * was lost after it ran is not written twice (the retry returns 0, and that entry is not
     * counted acknowledged). A timeout, a failed connect or a reply from Redis is thrown at once.
     * {@link #stats()} reads the pending count through it too, for the same reason.
     */
    private static <T> T onLiveConnection(Supplier<T> script) {
        for (int tries = 1;; tries++) {
            try {
                return script.get();
            } catch (JedisConnectionException e) {
                if (tries >= LOST_CONNECTION_TRIES || !isLostConnection(e)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Whether the failure is a connection that broke in use: neither a timeout nor a failed connect
     * (Jedis keeps the socket's exception of a failed connect as a suppressed one, not as the cause).
     */
    static boolean isLostConnection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof ConnectException) {
                return false;
            }
            for (Throwable s : t.getSuppressed()) {
                if (!isLostConnection(s)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Returns this consumer's figures, and the group's pending count from Redis ({@code -1} when
     * Redis cannot tell it: down, slow, or the group gone; a pooled connection the server closed
     * while idle is replaced at once, as a write's is).
     *
     * @return a snapshot
     */
    @Override
    public RedisStreamStats stats() {
        long pending;
        try {
            pending = onLiveConnection(() -> redis.xpending(stream, group)).getTotal();
        } catch (RuntimeException e) {
            pending = -1;
        }
        int inFlight;
        boolean running;
        lock.lock();
        try {
            inFlight = inPipeline.size() + fetched.size();
            running = supervisor != null && supervisor.isAlive() && !stopping;
        } finally {
            lock.unlock();
        }
        return new RedisStreamStats(read.get(), acknowledged.get(), claimed.get(), failedDeliveries.get(),
                deadLettered.get(), inFlight, pending, running);
    }

    /** Closes with a grace of 30 s, as {@link #close(Duration)} describes. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /**
     * Stops reading, lets the pipeline finish (and acknowledge) the entries read within
     * {@code grace} (those in the run, those read and waiting to enter it, and those of a read whose
     * reply was lost, taken back first if Redis answers), then cancels the run: what it still held
     * stays pending in Redis, and is claimed by the group's other consumers after
     * {@code claimIdle}; removes the consumer from the registry it was listed in, and closes the
     * connection it opened ({@link #builder()}). Idempotent.
     *
     * <p>Called from one of the consumer's own threads (a stage of its pipeline that decides to
     * stop the consumer, say), it does not wait for itself: it stops the reading and returns at
     * once; the rest (the wait within {@code grace} for the run, which ends once that stage has
     * returned, then closing the connection) goes on in a thread named
     * {@code goflow-redis-stream-<consumer>-close}. Only the consumer's supervising thread and
     * the threads of its runs count as its own: a thread that a stage started is not one of them
     * (the run does not wait for it), and a close from it waits as a close from any other thread.
     *
     * <p>Once the run is cancelled its threads are interrupted, and close waits for them at most
     * the grace again, at least 100 ms and at most 2 s. A thread still running then (a stage that
     * ignores interrupts) is given up on: close returns without it, and a WARNING names each such
     * thread with the frame it is stuck in. Those threads end when the code they are in returns,
     * writing nothing: their entries stay pending and are claimed after {@code claimIdle}. So close
     * returns within about twice the grace (at most grace + 2 s), plus {@code block} and 1 s for
     * the supervising thread. An interrupt of the closing thread cuts the waits short (the run is
     * cancelled) and is restored.
     *
     * @param grace how long the entries in the pipeline get to finish, zero or more
     * @throws InvalidConfigException naming {@code grace} if it is null or negative; nothing is
     *     closed then
     */
    public void close(Duration grace) {
        if (grace == null || grace.isNegative()) {
            throw new InvalidConfigException("redis-stream-consumer", "grace", grace, "must be zero or more",
                    "how long the entries read get to finish before the run is cancelled");
        }
        listing.close();
        Thread s;
        StreamingRun current;
        Set<Thread> own;
        lock.lock();
        try {
            stopping = true;
            room.signalAll();
            s = supervisor;
            current = run;
            own = runThreads;
        } finally {
            lock.unlock();
        }
        Own mark = OWN.get();
        if (mark != null && mark.consumer() == this) {
            Thread closer = new Thread(() -> awaitEnd(s, current, own, grace),
                    "goflow-redis-stream-" + consumer + "-close");
            closer.setDaemon(true);
            closer.start();
            return;
        }
        awaitEnd(s, current, own, grace);
    }

    /**
     * The rest of close(): waits for the run within grace, cancels it and waits the interrupt bound
     * for its threads, names those it gives up on, waits for the supervisor, closes the connection.
     */
    private void awaitEnd(Thread s, StreamingRun current, Set<Thread> own, Duration grace) {
        boolean interrupted = false;
        boolean ended = true;
        if (current != null) {
            CompletableFuture<StreamingResult> done = current.completion();
            try {
                done.get(saturatedNanos(grace) + block.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                current.cancel();
                try { // the run's threads are interrupted: those in a stage that ignores it keep running
                    done.get(interruptBound(grace).toNanos(), TimeUnit.NANOSECONDS);
                } catch (TimeoutException stuck) {
                    ended = false;
                } catch (InterruptedException again) {
                    interrupted = true;
                    ended = done.isDone();
                } catch (ExecutionException failed) {
                    // ended
                }
            } catch (InterruptedException e) {
                current.cancel();
                interrupted = true;
                ended = done.isDone();
            } catch (ExecutionException e) {
                // the run's failure was logged by the supervisor
            }
        }
        if (s != null) {
            LockSupport.unpark(s); // it may wait reconnectInterval before starting a run again
            if (!ended) {
                s.interrupt(); // it waits for the run's end: it leaves now, as the run's threads will
            }
            try {
                if (!interrupted) {
                    s.join(TimeUnit.NANOSECONDS.toMillis(block.toNanos()) + 1000);
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (!ended) {
            String stuck = StuckThreads.describe(own);
            if (!stuck.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "goflow: redis stream consumer " + consumer + " of " + stream
                        + " is closed, giving up on the threads of its pipeline run still running after the grace ("
                        + grace + ") and the cancel: they end when the code they are in returns, writing nothing"
                        + " (their entries stay pending and are claimed by the group after " + claimIdle + "): "
                        + stuck);
            }
        }
        if (ownClient != null) {
            ownClient.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long the cancelled run's threads get to end: the grace, at least 100 ms and at most 2 s. */
    static Duration interruptBound(Duration grace) {
        if (grace.compareTo(MIN_INTERRUPT_BOUND) < 0) {
            return MIN_INTERRUPT_BOUND;
        }
        return grace.compareTo(MAX_INTERRUPT_BOUND) > 0 ? MAX_INTERRUPT_BOUND : grace;
    }

    /** The duration in nanoseconds, Long.MAX_VALUE / 2 at most (a sum with block must not wrap around). */
    private static long saturatedNanos(Duration d) {
        return d.compareTo(Duration.ofNanos(Long.MAX_VALUE / 2)) >= 0 ? Long.MAX_VALUE / 2 : d.toNanos();
    }

    @Override
    public String toString() {
        return "RedisStreamConsumer[" + consumer + " of " + group + " on " + stream + " -> " + output + "]";
    }
}
