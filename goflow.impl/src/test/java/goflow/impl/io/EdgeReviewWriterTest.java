package goflow.impl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.context.Context;
import goflow.api.io.AsyncWriter;
import goflow.api.io.BufferFullException;
import goflow.api.io.WriteFailedException;
import goflow.api.io.WriterStats;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Async;

/** Review of {@link AsyncWriterImpl} at fault paths: odd throwables from the output, a callback that writes. */
@Timeout(60)
class EdgeReviewWriterTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");
    private final Context bg = Context.background();
    private final List<WriteFailedException> reported = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    /**
     * An output written in a language without checked exceptions (Kotlin, Scala, Groovy) or with
     * Lombok's {@code @SneakyThrows} may throw a checked exception that is not an IOException. The
     * javadoc: "Whatever the output throws ... is retried"; the writer must not treat it as a failure
     * of its own thread and close.
     */
    @Test
    void aCheckedNonIoExceptionFromTheOutputIsRetriedNotAFlusherFailure() throws Exception {
        AtomicInteger failures = new AtomicInteger(1);
        TestStreams.Recording out = new TestStreams.Recording() {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (failures.getAndDecrement() > 0) {
                    sneakyThrow(new Exception("checked, not an IOException"));
                }
                super.write(b, off, len);
            }
        };
        AsyncWriter w = goflow.asyncWriter().name("sneaky").output(out).capacity(64).flushThreshold(64)
                .flushInterval(Duration.ZERO).maxRetries(2).retryDelay(Duration.ZERO).onError(reported::add).build();
        w.write(bg, ascii("accepted"));
        w.flush(bg);
        assertEquals("accepted", out.text());
        assertFalse(w.isClosed(), "a throwable from the output is a failed attempt, not a flusher failure");
        assertEquals(new WriterStats(8, 8, 0, 0, 1, 1, 0, 64, false), w.stats());
        assertEquals(List.of(), reported);
        w.close();
    }
}
