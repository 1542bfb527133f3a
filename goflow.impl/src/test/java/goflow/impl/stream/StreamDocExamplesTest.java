package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.stream.StreamException;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/** The examples of docs/stream.md, section "Functions that block or throw", compiled and run. */
class StreamDocExamplesTest extends NoThreadLeaks.LeakCheckedTest {

    @Test
    void functionsThatBlockOrThrow(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.txt"), "alpha");
        Path blank = Files.writeString(dir.resolve("blank.txt"), "  ");
        Path b = Files.writeString(dir.resolve("b.txt"), "beta");
        try (GoFlow goflow = new GoFlowImpl()) {
            Context ctx = Context.background();
            List<Path> paths = List.of(a, blank, b);

            List<String> texts = goflow.stream(paths)
                    .mapConcurrent(4, Files::readString)        // throws IOException: nothing to wrap
                    .filter(text -> !text.isBlank())
                    .toList(ctx);
            assertEquals(List.of("alpha", "beta"), texts);

            List<Path> withMissing = List.of(a, dir.resolve("missing.txt"), b);
            StreamException e = assertThrows(StreamException.class,
                    () -> goflow.stream(withMissing).mapConcurrent(4, Files::readString).toList(ctx));
            IOException cause = (IOException) e.getCause();     // the mapper's exception, unchanged
            assertInstanceOf(NoSuchFileException.class, cause);
            assertTrue(e.getMessage().matches("stream 'stream-\\d+': the function given to mapConcurrent\\(\\) threw "
                    + "java.nio.file.NoSuchFileException: .*missing.txt"), e.getMessage());
        }
    }
}
