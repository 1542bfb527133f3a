package goflow.impl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import goflow.api.Clock;
import goflow.api.context.Context;
import goflow.api.io.AsyncWriter;
import goflow.api.io.WriterStats;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;
import goflow.impl.testing.Stress;

/**
 * Concurrent writers, flushes and close against a slow and occasionally failing output: every
 * record arrives whole, exactly once, in each writer's order; a flush covers every record its
 * caller wrote before it; {@code stats()} is consistent in every snapshot and never deadlocks.
 */
@Stress
@Timeout(60)
class AsyncWriterConcurrencyTest extends NoThreadLeaks.LeakCheckedTest {
    private static final int WRITERS = 4;
    private static final int RECORDS = 3_000;

    private final GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "test");

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    /**
     * Parses records {@code <writer>:<seq>:<padding>\n} as bytes arrive and checks them at once;
     * remembers the last sequence seen per writer so flushes can be checked.
     */
    static final class RecordChecker extends TestStreams.Recording {
        final long[] lastSeq = new long[WRITERS];
        private final StringBuilder partial = new StringBuilder();
        volatile String problem;
        long records;

        RecordChecker() {
            java.util.Arrays.fill(lastSeq, -1);
        }

        @Override
        void received(byte[] b, int off, int len) {
            partial.append(new String(b, off, len, StandardCharsets.US_ASCII));
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
                String line = partial.substring(0, nl);
                partial.delete(0, nl + 1);
                check(line);
            }
        }

        private void check(String line) {
            String[] parts = line.split(":", -1);
            if (parts.length != 3) {
                problem = "torn or interleaved record: " + line;
                return;
            }
            int w = Integer.parseInt(parts[0]);
            long seq = Long.parseLong(parts[1]);
            if (seq != lastSeq[w] + 1) {
                problem = "writer " + w + ": expected record " + (lastSeq[w] + 1) + " but got " + seq;
            }
            if (!parts[2].equals(padding(w, seq))) {
                problem = "corrupted record: " + line;
            }
            lastSeq[w] = seq;
            records++;
        }

        synchronized long lastSeq(int w) {
            return lastSeq[w];
        }
    }

    static String padding(int writer, long seq) {
        int n = (int) ((seq * 7 + writer * 13) % 40);
        return "x".repeat(n);
    }

    static byte[] record(int writer, long seq) {
        return (writer + ":" + seq + ":" + padding(writer, seq) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void recordsStayWholeOrderedAndFlushed(boolean flaky) {
        assertTimeoutPreemptively(Duration.ofSeconds(45), () -> run(flaky));
    }

    private void run(boolean flaky) throws Exception {
        RecordChecker out = new RecordChecker();
        AsyncWriter w = goflow.asyncWriter().output(out).capacity(512).flushThreshold(200)
                .flushInterval(Duration.ofMillis(5)).maxRetries(5).retryDelay(Duration.ZERO).build();
        Context bg = Context.background();
        AtomicReference<Throwable> error = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long[] bytesPerWriter = new long[WRITERS];
        for (int i = 0; i < WRITERS; i++) {
            int id = i;
            threads.add(new Thread(() -> {
                try {
                    go.await();
                    for (int seq = 0; seq < RECORDS; seq++) {
                        byte[] r = record(id, seq);
                        w.write(bg, r);
                        bytesPerWriter[id] += r.length;
                        if (seq % 250 == 249) {
                            w.flush(bg);
                            long seen = out.lastSeq(id);
                            if (seen < seq) {
                                throw new AssertionError("writer " + id + " flushed after record " + seq
                                        + " but the output has only " + seen);
                            }
                        }
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            }, "writer-" + i));
        }
        Thread chaos = new Thread(() -> {
            // occasional write failures, each retried by the writer
            while (!stop.get()) {
                if (flaky) {
                    out.failNext.set(1);
                }
                Thread.onSpinWait();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "chaos");
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                WriterStats s = w.stats();
                if (s.bytesAccepted() != s.bytesWritten() + s.bytesPending() + s.bytesDiscarded()) {
                    error.compareAndSet(null, new AssertionError("inconsistent snapshot " + s));
                }
            }
        }, "stats-reader");
        threads.forEach(Thread::start);
        chaos.start();
        reader.start();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        w.close();
        stop.set(true);
        chaos.join();
        reader.join();
        if (error.get() != null) {
            throw new AssertionError(error.get());
        }
        if (out.problem != null) {
            throw new AssertionError(out.problem);
        }
        long total = 0;
        for (int i = 0; i < WRITERS; i++) {
            assertEquals(RECORDS - 1, out.lastSeq(i), "every record of writer " + i + " arrived");
            total += bytesPerWriter[i];
        }
        assertEquals((long) WRITERS * RECORDS, out.records);
        assertEquals(total, out.bytes().length, "byte-exact: nothing lost or duplicated");
        WriterStats s = w.stats();
        assertEquals(new WriterStats(total, total, 0, 0, s.flushes(), s.errors(), 0, 512, true), s);
        assertTrue(s.flushes() > 0);
        if (flaky) {
            assertTrue(s.errors() > 0, "failures were injected: " + s);
        }
    }
}
