package goflow.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The container's log file ({@link LogFile}): what goes in, what bad settings say, what close restores. */
class LogFileTest {

    @Test
    void recordsGoToTheFileOneLineEachWithTheStackTraceAndCloseRestoresTheConsole(@TempDir Path dir) throws Exception {
        Logger root = Logger.getLogger("");
        Handler[] before = root.getHandlers();
        Level levelBefore = root.getLevel();
        Path file = dir.resolve("log/goflow.log");
        LogFile log = LogFile.install(file.toString(), "fine", null, null);
        try {
            System.Logger logger = System.getLogger("goflow.test.LogFileTest");
            logger.log(System.Logger.Level.INFO, "configuration {0} created", "demo");
            logger.log(System.Logger.Level.DEBUG, "a detail");
            logger.log(System.Logger.Level.TRACE, "below FINE: not written");
            logger.log(System.Logger.Level.WARNING, "a failure", new IllegalStateException("boom"));
        } finally {
            log.close();
        }
        assertArrayEquals(before, root.getHandlers(), "the console handlers are back");
        assertEquals(levelBefore, root.getLevel());
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(text.matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S+ INFO goflow\\.test\\.LogFileTest - "
                + "configuration demo created\\R.*"), text);
        assertTrue(text.contains(" FINE goflow.test.LogFileTest - a detail"), text);
        assertTrue(!text.contains("below FINE"), text);
        assertTrue(text.contains(" WARNING goflow.test.LogFileTest - a failure" + System.lineSeparator()
                + "java.lang.IllegalStateException: boom" + System.lineSeparator() + "\tat "), text);
    }

    @Test
    void anEmptyFileLeavesLoggingAlone() throws Exception {
        assertNull(LogFile.install(" ", null, null, null));
    }

    @Test
    void aBadLevelOrAnUnwritableFileIsRefusedNamingThePropertyAndValue(@TempDir Path dir) throws Exception {
        IllegalArgumentException level = assertThrows(IllegalArgumentException.class,
                () -> LogFile.install(dir.resolve("a.log").toString(), "LOUD", null, null));
        assertTrue(level.getMessage().contains("goflow.log.level = 'LOUD'") && level.getMessage().contains("WARNING"),
                level.getMessage());
        Path notAFolder = Files.writeString(dir.resolve("file"), "x");
        IOException file = assertThrows(IOException.class, () -> LogFile.install(notAFolder.resolve("goflow.log").toString(), null, null, null));
        assertTrue(file.getMessage().contains("goflow.log.file = '" + notAFolder.resolve("goflow.log") + "'"), file.getMessage());
        Handler[] handlers = Logger.getLogger("").getHandlers();
        for (Handler h : handlers) {
            assertTrue(!(h instanceof RotatingFileHandler), "nothing half-installed");
        }
    }

    @Test
    void theFileIsRotatedAtTheConfiguredSizeKeepingTheConfiguredNumberOfOldFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("log/goflow.log");
        LogFile log = LogFile.install(file.toString(), null, " 300 ", "2");
        try {
            System.Logger logger = System.getLogger("goflow.test.LogFileTest");
            for (int i = 0; i < 20; i++) {
                logger.log(System.Logger.Level.INFO, "record {0}", i);
            }
        } finally {
            log.close();
        }
        assertTrue(Files.isRegularFile(file), "the current file keeps its path");
        assertTrue(Files.readString(file, StandardCharsets.UTF_8).contains(" - record 19" + System.lineSeparator()));
        for (String old : List.of("goflow.log.1", "goflow.log.2")) {
            Path p = file.resolveSibling(old);
            assertTrue(Files.isRegularFile(p) && Files.size(p) <= 300 && Files.size(p) > 0, old);
        }
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of("goflow.log", "goflow.log.1", "goflow.log.2"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "two old files, the oldest deleted");
        }
    }

    @Test
    void theDefaultsAreTenMegabytesAndFiveOldFiles() {
        assertEquals(10L * 1024 * 1024, LogFile.parseMaxBytes(null));
        assertEquals(10L * 1024 * 1024, LogFile.parseMaxBytes(" "));
        assertEquals(5, LogFile.parseFiles(null));
        assertEquals(5, LogFile.parseFiles(""));
        assertEquals(1, LogFile.parseFiles("1"));
        assertEquals(1, LogFile.parseMaxBytes("1"));
    }

    @Test
    void aBadSizeOrCountIsRefusedNamingThePropertyTheValueAndTheRule(@TempDir Path dir) {
        for (String bad : List.of("ten", "0", "-5", "1.5", "10MB", "99999999999999999999")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LogFile.install(dir.resolve("a.log").toString(), null, bad, null));
            assertEquals("goflow.container: property goflow.log.maxBytes = '" + bad
                    + "' must be a whole number of bytes, at least 1 (default 10485760)", e.getMessage());
        }
        for (String bad : List.of("five", "0", "-1", "2.0", "3000000000")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LogFile.install(dir.resolve("a.log").toString(), null, null, bad));
            assertEquals("goflow.container: property goflow.log.files = '" + bad
                    + "' must be a whole number of old files to keep, from 1 to 2147483647 (default 5)", e.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("a.log")), "nothing created");
        for (Handler h : Logger.getLogger("").getHandlers()) {
            assertFalse(h instanceof RotatingFileHandler, "nothing half-installed");
        }
    }
}
