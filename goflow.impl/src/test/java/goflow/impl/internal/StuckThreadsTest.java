package goflow.impl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The description of stuck threads, one line of a WARNING, whatever their names. */
class StuckThreadsTest {

    @Test
    void aThreadWithoutANameOrWithControlCharactersInItsNameIsDescribedOnOneIdentifyingLine() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Runnable stuck = () -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread unnamed = new Thread(stuck, ""); // as Thread.ofVirtual().factory() names them
        Thread forged = new Thread(stuck, "worker\nWARNING: all is fine\r\t\u0007");
        unnamed.start();
        forged.start();
        try {
            String one = StuckThreads.describe(unnamed);
            assertTrue(one.startsWith("#" + unnamed.getId() + " ("), one);
            String two = StuckThreads.describe(forged);
            assertTrue(two.startsWith("worker\\nWARNING: all is fine\\r\\t\\u0007 ("), two);
            String both = StuckThreads.describe(List.of(unnamed, forged));
            assertFalse(both.chars().anyMatch(Character::isISOControl), both);
            assertEquals("plain (NEW)", StuckThreads.describe(new Thread(stuck, "plain")));
        } finally {
            release.countDown();
            unnamed.join();
            forged.join();
        }
    }
}
