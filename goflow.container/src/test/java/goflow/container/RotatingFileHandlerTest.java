package goflow.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log file's size bound and rotation ({@link RotatingFileHandler}), with limits of a few hundred bytes. */
class RotatingFileHandlerTest {
    /** Each record's message on a line of exactly 100 bytes (with the line feed). */
    private static final Formatter HUNDRED = new Formatter() {
        @Override
        public String format(LogRecord record) {
            String line = record.getMessage();
            return line + ".".repeat(99 - line.length()) + "\n";
        }
    };

    private static RotatingFileHandler open(Path file, long maxBytes, int files, PrintStream problems) throws IOException {
        RotatingFileHandler handler = new RotatingFileHandler(file, maxBytes, files, problems);
        handler.setFormatter(HUNDRED);
        return handler;
    }

    private static void log(RotatingFileHandler handler, String message) {
        handler.publish(new LogRecord(Level.INFO, message));
    }

    /** The messages in a file, in order. */
    private static List<String> messages(Path file) throws IOException {
        List<String> messages = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            messages.add(line.replaceAll("\\.+$", ""));
        }
        return messages;
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return new TreeSet<>(files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void theFileIsRenamedToDotOneBeforeItWouldExceedTheLimitOlderOnesShiftAndTheOldestIsDeleted(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("goflow.log");
        RotatingFileHandler handler = open(file, 300, 2, System.err);
        try {
            for (int i = 0; i < 10; i++) {
                log(handler, "r" + i);
            }
        } finally {
            handler.close();
        }
        assertEquals(Set.of("goflow.log", "goflow.log.1", "goflow.log.2"), names(dir), "the lock file is gone too");
        assertEquals(List.of("r9"), messages(file), "the current file stays at its path");
        assertEquals(List.of("r6", "r7", "r8"), messages(dir.resolve("goflow.log.1")));
        assertEquals(List.of("r3", "r4", "r5"), messages(dir.resolve("goflow.log.2")));
        for (String name : names(dir)) {
            assertTrue(Files.size(dir.resolve(name)) <= 300, name);
        }
    }

    @Test
    void aFileAlreadyOverTheLimitIsRotatedAtTheFirstRecordAndARecordLargerThanTheLimitIsWrittenWhole(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("goflow.log");
        Files.writeString(file, "x".repeat(299) + "\n");
        RotatingFileHandler handler = open(file, 250, 3, System.err);
        try {
            log(handler, "first");
            log(handler, "second");
            log(handler, "third");
        } finally {
            handler.close();
        }
        assertEquals(List.of("third"), messages(file));
        assertEquals(List.of("first", "second"), messages(dir.resolve("goflow.log.1")));
        assertEquals("x".repeat(299) + "\n", Files.readString(dir.resolve("goflow.log.2")), "nothing lost");
        assertEquals(Set.of("goflow.log", "goflow.log.1", "goflow.log.2"), names(dir));

        Path small = dir.resolve("small.log");
        RotatingFileHandler tiny = open(small, 50, 5, System.err);
        try {
            log(tiny, "a");
            log(tiny, "b");
        } finally {
            tiny.close();
        }
        assertEquals(List.of("b"), messages(small), "one record a file, whole");
        assertEquals(List.of("a"), messages(dir.resolve("small.log.1")));
        assertEquals(100, Files.size(dir.resolve("small.log.1")));
    }

    @Test
    void concurrentRecordsAreNeitherLostNorInterleavedAcrossRotations(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("goflow.log");
        int threads = 8;
        int each = 150;
        RotatingFileHandler handler = open(file, 400, threads * each, System.err);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        log(handler, "t" + thread + "-" + i);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            handler.close();
        }
        // Oldest first: the highest number down to .1, then the current file.
        int rotated = names(dir).size() - 1;
        List<String> all = new ArrayList<>();
        for (int n = rotated; n >= 1; n--) {
            Path old = dir.resolve("goflow.log." + n);
            assertTrue(Files.size(old) <= 400 && Files.size(old) % 100 == 0, old + ": " + Files.size(old) + " bytes");
            all.addAll(messages(old));
        }
        all.addAll(messages(file));
        assertEquals(threads * each, all.size(), "every record once");
        int[] next = new int[threads];
        for (String m : all) {
            assertTrue(m.matches("t\\d+-\\d+"), () -> "a damaged line: " + m);
            int t = Integer.parseInt(m.substring(1, m.indexOf('-')));
            assertEquals(next[t]++, Integer.parseInt(m.substring(m.indexOf('-') + 1)), "each thread's records in order");
        }
        assertEquals(threads * each / 4, rotated + 1, "four records a file");
    }

    @Test
    void aRotationThatFailsKeepsWritingToTheFileSaysSoOnceAndIsTriedAgainLater(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("goflow.log");
        Path obstacle = Files.createDirectories(dir.resolve("goflow.log.1"));
        Files.writeString(obstacle.resolve("keep"), "a folder where the oldest file goes cannot be deleted");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RotatingFileHandler handler = open(file, 300, 1, new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 8; i++) {
                log(handler, "r" + i);
            }
            assertEquals(List.of("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7"), messages(file), "nothing lost");
            String said = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, said.lines().count(), said);
            assertTrue(said.contains("cannot rotate " + file) && said.contains("goflow.log.1")
                    && said.contains("keeps writing to it"), said);

            Files.delete(obstacle.resolve("keep"));
            Files.delete(obstacle);
            for (int i = 8; i < 12; i++) {
                log(handler, "r" + i);
            }
        } finally {
            handler.close();
        }
        assertEquals(1, err.toString(StandardCharsets.UTF_8).lines().count(), "said once");
        assertTrue(Files.isRegularFile(dir.resolve("goflow.log.1")), "rotates again once it can");
        assertFalse(messages(file).isEmpty());
        List<String> both = new ArrayList<>(messages(dir.resolve("goflow.log.1")));
        both.addAll(messages(file));
        assertEquals("r11", both.get(both.size() - 1));
    }

    /**
     * Logs r0, deletes the log folder and its files under the handler (as a clean-up script would),
     * then logs r1 to r7.
     */
    private static void logAcrossADeletedFolder(RotatingFileHandler handler, Path folder) throws IOException {
        log(handler, "r0");
        deleteFolder(folder);
        for (int i = 1; i < 8; i++) {
            log(handler, "r" + i);
        }
    }

    /** Deletes the log folder and its files. */
    private static void deleteFolder(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(folder);
    }

    /**
     * A log folder deleted while the container runs (a clean-up script) is made again at the next
     * rotation: the log goes on in it rather than on the console for the rest of the run.
     */
    @Test
    void aDeletedLogFolderIsMadeAgainAtTheNextRotation(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("log"));
        Path file = folder.resolve("goflow.log");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RotatingFileHandler handler = open(file, 300, 1, new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            logAcrossADeletedFolder(handler, folder);
        } finally {
            handler.close();
        }
        assertTrue(Files.isRegularFile(file), () -> "the folder and file made again; problems: " + err);
        List<String> kept = messages(file);
        assertEquals("r7", kept.get(kept.size() - 1), kept::toString);
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("r7"), "not on the console: " + err);
    }

    /**
     * A deleted log folder is no rotation failure: nothing is said about it, so the one report of a
     * failure is left for a real one (here a folder where the oldest file goes, made later).
     */
    @Test
    void aDeletedLogFolderIsNotReportedAsAFailedRotationAndALaterFailureStillIs(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("log"));
        Path file = folder.resolve("goflow.log");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RotatingFileHandler handler = open(file, 300, 1, new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            logAcrossADeletedFolder(handler, folder); // rotates at r3 and r6
            assertEquals("", err.toString(StandardCharsets.UTF_8), "nothing failed");
            assertTrue(Files.isRegularFile(dir.resolve("log/goflow.log.1")), "rotated normally after the new start");

            Files.delete(dir.resolve("log/goflow.log.1"));
            Path obstacle = Files.createDirectories(dir.resolve("log/goflow.log.1"));
            Files.writeString(obstacle.resolve("keep"), "a folder where the oldest file goes cannot be deleted");
            for (int i = 8; i < 12; i++) {
                log(handler, "r" + i);
            }
        } finally {
            handler.close();
        }
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, said.lines().count(), said);
        assertTrue(said.contains("cannot rotate " + file) && said.contains("goflow.log.1"), said);
    }

    /**
     * A write that fails (a full disk: the file is a link to {@code /dev/full}) loses no record: it
     * goes to the problems stream, as when the file cannot be reopened.
     */
    @Test
    void aRecordWhoseWriteFailsGoesToTheProblemsStreamInsteadOfBeingLost(@TempDir Path dir) throws Exception {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "needs /dev/full");
        Path file = Files.createSymbolicLink(dir.resolve("goflow.log"), full);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RotatingFileHandler handler = open(file, 10_000, 1, new PrintStream(err, true, StandardCharsets.UTF_8));
        handler.setErrorManager(new ErrorManager() {
            @Override
            public synchronized void error(String msg, Exception ex, int code) {
                // the default one prints to System.err: not what this test reads
            }
        });
        try {
            for (int i = 0; i < 3; i++) {
                log(handler, "r" + i);
            }
        } finally {
            handler.close();
        }
        List<String> said = new ArrayList<>();
        err.toString(StandardCharsets.UTF_8).lines().forEach(l -> said.add(l.replaceAll("\\.+$", "")));
        assertEquals(List.of("r0", "r1", "r2"), said.stream().filter(l -> l.matches("r\\d")).toList(),
                () -> "every record, on the problems stream: " + said);
    }

    /**
     * The disk fills up under a file that already holds records: the record whose write fails goes
     * to the problems stream, and the next one, which would make the file too large, rotates it
     * instead of throwing out of {@code publish} (a log call must not fail the code that logs).
     * The full disk is an output stream that fails, put in place of the open file.
     */
    @Test
    void aRecordAfterAFailedWriteThatReachesTheLimitRotatesInsteadOfThrowing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("goflow.log");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RotatingFileHandler handler = open(file, 300, 1, new PrintStream(err, true, StandardCharsets.UTF_8));
        handler.setErrorManager(new ErrorManager() {
            @Override
            public synchronized void error(String msg, Exception ex, int code) {
                // the default one prints to System.err: not what this test reads
            }
        });
        handler.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord record) {
                return record.getMessage() + "\n";
            }
        });
        try {
            log(handler, "r0" + ".".repeat(97));
            log(handler, "r1" + ".".repeat(97));
            java.lang.reflect.Field out = RotatingFileHandler.class.getDeclaredField("out");
            out.setAccessible(true);
            ((java.io.OutputStream) out.get(handler)).close();
            out.set(handler, new java.io.OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    throw new IOException("No space left on device");
                }
            });
            log(handler, "r2" + ".".repeat(97)); // 200 + 100 fit, but the write fails: on the problems stream
            log(handler, "r3" + ".".repeat(147)); // 200 + 150 > 300: rotates
        } finally {
            handler.close();
        }
        assertEquals(List.of("r0", "r1"), messages(dir.resolve("goflow.log.1")));
        assertEquals(List.of("r3"), messages(file));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("r2"), err::toString);
    }

    /**
     * The lock file goes with a deleted log folder. When the handler makes the folder again (at its
     * next rotation) it locks the file again, so a second container started later in the same
     * folder is still refused rather than rotating the file under this one.
     */
    @Test
    void aLogFolderMadeAgainIsLockedAgainSoASecondHandlerIsStillRefused(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("log"));
        Path file = folder.resolve("goflow.log");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RotatingFileHandler handler = open(file, 300, 1, new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            logAcrossADeletedFolder(handler, folder); // the folder is made again at r3
            assertThrows(IOException.class, () -> open(file, 300, 1, System.err).close());
            assertEquals("", err.toString(StandardCharsets.UTF_8));
        } finally {
            handler.close();
        }
        assertFalse(Files.exists(folder.resolve("goflow.log.lck")), "its own lock file deleted at close");
    }

    /**
     * A second handler that took the log while the folder was gone (its lock file deleted) keeps
     * it: the first one does not rotate the second one's file nor delete its lock file; it says so
     * once, and its records go to the problems stream, not lost.
     */
    @Test
    void aHandlerWhoseLockWasTakenOverAfterTheFolderWasDeletedLeavesTheLogToTheOther(@TempDir Path dir)
            throws Exception {
        Path folder = Files.createDirectories(dir.resolve("log"));
        Path file = folder.resolve("goflow.log");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RotatingFileHandler first = open(file, 300, 1, new PrintStream(err, true, StandardCharsets.UTF_8));
        RotatingFileHandler second = null;
        try {
            log(first, "a0");
            log(first, "a1");
            deleteFolder(folder);
            Files.createDirectories(folder);
            second = open(file, 300, 1, System.err); // the lock file was gone: a second container gets it
            log(second, "b0");
            for (int i = 2; i < 6; i++) {
                log(first, "a" + i); // a3 would rotate
            }
            log(second, "b1");
            assertEquals(List.of("b0", "b1"), messages(file), "the second handler's file is neither rotated nor written");
            assertFalse(Files.exists(folder.resolve("goflow.log.1")));
            String said = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, said.lines().filter(l -> l.startsWith("goflow.container:")).count(), said);
            assertTrue(said.contains("goflow.log.lck") && said.contains("another log handler"), said);
            for (String a : List.of("a3", "a4", "a5")) { // a2 went to the deleted file, as with any Unix log
                assertTrue(said.contains(a), () -> a + " lost: " + said);
            }
            first.close();
            assertTrue(Files.exists(folder.resolve("goflow.log.lck")), "the second handler's lock file is kept");
            assertThrows(IOException.class, () -> open(file, 300, 1, System.err).close(), "still locked by the second");
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void aSecondHandlerOnTheSameFileIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("goflow.log");
        RotatingFileHandler first = open(file, 300, 1, System.err);
        try {
            IOException second = assertThrows(IOException.class, () -> open(file, 300, 1, System.err));
            assertTrue(second.getMessage().contains("goflow.log.lck"), second.getMessage());
        } finally {
            first.close();
        }
        open(file, 300, 1, System.err).close();
    }
}
