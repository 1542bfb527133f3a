package goflow.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

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
        LogFile log = LogFile.install(file.toString(), "fine");
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
        assertNull(LogFile.install(" ", null));
    }

    @Test
    void aBadLevelOrAnUnwritableFileIsRefusedNamingThePropertyAndValue(@TempDir Path dir) throws Exception {
        IllegalArgumentException level = assertThrows(IllegalArgumentException.class,
                () -> LogFile.install(dir.resolve("a.log").toString(), "LOUD"));
        assertTrue(level.getMessage().contains("goflow.log.level = 'LOUD'") && level.getMessage().contains("WARNING"),
                level.getMessage());
        Path notAFolder = Files.writeString(dir.resolve("file"), "x");
        IOException file = assertThrows(IOException.class, () -> LogFile.install(notAFolder.resolve("goflow.log").toString(), null));
        assertTrue(file.getMessage().contains("goflow.log.file = '" + notAFolder.resolve("goflow.log") + "'"), file.getMessage());
        Handler[] handlers = Logger.getLogger("").getHandlers();
        for (Handler h : handlers) {
            assertTrue(!(h instanceof java.util.logging.FileHandler), "nothing half-installed");
        }
    }
}
