package goflow.redis.streams.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;

/**
 * {@code goflow:redisstreams --help} (or {@code -h}) prints the command's usage, as every goflow
 * command's does (Karaf's {@code help goflow:redisstreams} runs it), in Gogo's own runtime; another
 * argument fails naming it and how the command is called.
 */
class RedisStreamsCommandHelpTest {

    @Test
    void helpPrintsTheUsageAndAnotherArgumentIsRefusedNamingIt() throws Exception {
        CommandProcessorImpl processor = new CommandProcessorImpl();
        processor.addCommand("goflow", new RedisStreamsCommand(), "redisstreams");
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(), new ByteArrayOutputStream())) {
            for (String help : new String[] {"--help", "-h"}) {
                String usage = String.valueOf(session.execute("goflow:redisstreams " + help));
                assertTrue(usage.startsWith("goflow:redisstreams\n    list the Redis stream consumers"), usage);
                assertTrue(usage.contains("goflow:redisstreams --help (or -h) prints this"), usage);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> session.execute("goflow:redisstreams orders"));
            assertEquals("goflow:redisstreams does not take one argument ('orders'): goflow:redisstreams; "
                    + "goflow:redisstreams --help tells more", e.getMessage());
            assertTrue(String.valueOf(session.execute("goflow:redisstreams")).startsWith("no redis stream consumers"));
        } finally {
            processor.stop();
        }
    }
}
