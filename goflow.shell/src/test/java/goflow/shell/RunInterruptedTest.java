package goflow.shell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.Job;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import goflow.api.GoFlow;
import goflow.api.pipeline.PipelineBuilder;

/**
 * {@code goflow:run} in a real Gogo session, interrupted as Ctrl-C does: the console's signal
 * handler interrupts the foreground job, which cancels the command's thread.
 */
class RunInterruptedTest {
    /** Gogo's per-thread System.out, for the whole class: it replaces System.out, once. */
    private static ThreadIOImpl tio;
    private final GoFlow goflow = GoFlow.load();

    @BeforeAll
    static void startThreadIo() {
        tio = new ThreadIOImpl();
        tio.start();
    }

    @AfterAll
    static void stopThreadIo() {
        tio.stop(); // System.out as it was
    }

    @AfterEach
    void close() {
        goflow.close();
    }

    /** A synchronized byte sink: the command's thread and the printer's write while the test reads. */
    private static final class Sink extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** Inline on the command's thread; inline with a timeout (an interrupter); on an executor. */
    @ParameterizedTest
    @ValueSource(strings = {"inline", "timeout", "executor"})
    void ctrlCDuringRunStillPrintsWhatThePipelineDid(String mode) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        PipelineBuilder<String, String> builder = goflow.pipeline("slow").stage("trim", (String s) -> s.strip())
                .stage("wait", (String s) -> {
                    started.countDown();
                    new CountDownLatch(1).await(); // until Ctrl-C
                    return s;
                });
        if (mode.equals("timeout")) {
            builder.timeout(Duration.ofHours(1));
        } else if (mode.equals("executor")) {
            builder.executor(goflow.workerPool().name("stages").workers(2).build());
        }
        builder.build();
        CommandProcessorImpl processor = new CommandProcessorImpl(tio);
        processor.addCommand("goflow", new RunCommands(goflow.registry(), goflow), "run");
        Sink out = new Sink();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try {
            CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
            Thread console = new Thread(() -> { // as Gogo's console prints what a command returns
                try {
                    Object result = session.execute("goflow:run slow ' in '");
                    if (result != null) {
                        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
                        print.println(session.format(result, Converter.INSPECT));
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "goflow-shell-test-console");
            console.start();
            assertTrue(started.await(Eventually.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "the stage started");
            Job job = session.foregroundJob();
            assertTrue(job != null, "a foreground job");
            job.interrupt(); // Ctrl-C
            console.join(Eventually.TIMEOUT.toMillis());
            long deadline = System.nanoTime() + Eventually.TIMEOUT.toNanos();
            while (!out.text().contains("goflow:run: interrupted") && System.nanoTime() - deadline < 0) {
                Thread.sleep(5); // polling, not an assertion
            }
            String text = out.text();
            assertTrue(text.contains("goflow:run: interrupted"), "the result is printed; printed: " + text
                    + "; the console got: " + failure.get());
            assertTrue(text.matches("(?s)pipeline +result +output +duration\nslow +failed +- .*"
                    + "\ntrim +in +in +\\S+ +-\nwait +in +- +\\S+ +\\S+Exception\\b.*\n"
                    + "goflow:run: interrupted; pipeline 'slow' cancelled\n"), text);
            session.close();
        } finally {
            processor.stop();
        }
    }
}
