package goflow.redis.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;

/**
 * {@code goflow:redis --help} (or {@code -h}) prints the command's usage, as every goflow command's
 * does (Karaf's {@code help goflow:redis} runs it), in Gogo's own runtime; another argument fails
 * naming it and how the command is called.
 */
class RedisCommandHelpTest {

    @Test
    void helpPrintsTheUsageAndAnotherArgumentIsRefusedNamingIt() throws Exception {
        CommandProcessorImpl processor = new CommandProcessorImpl();
        processor.addCommand("goflow", new RedisCommand(), "redis");
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(), new ByteArrayOutputStream())) {
            for (String help : new String[] {"--help", "-h"}) {
                String usage = String.valueOf(session.execute("goflow:redis " + help));
                assertTrue(usage.startsWith("goflow:redis\n    show the Redis connection"), usage);
                assertTrue(usage.contains("goflow:redis --help (or -h) prints this"), usage);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> session.execute("goflow:redis extra"));
            assertEquals("goflow:redis does not take one argument ('extra'): goflow:redis; goflow:redis --help "
                    + "tells more", e.getMessage());
            assertTrue(String.valueOf(session.execute("goflow:redis")).startsWith("no redis connection"));
        } finally {
            processor.stop();
        }
    }
}
