package goflow.shell;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import goflow.api.GoFlow;
import goflow.api.GoFlowException;
import goflow.api.Primitive;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.inspect.Registry;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.StageResult;
import goflow.api.stream.Stream;

/**
 * The Gogo commands of scope {@code goflow} that run things: a pipeline on one input, and the
 * elements of a stream source plugin, printed as they come.
 *
 * <p>Thread-safe: the fields are final and the services they hold are thread-safe.
 */
@Component(service = RunCommands.class, property = {
    "osgi.command.scope=goflow",
    "osgi.command.function=run",
    "osgi.command.function=stream"
})
public final class RunCommands {
    /** The most elements {@code goflow:stream} prints: {@value}. */
    static final long MAX_LIMIT = 100_000;
    /** The most characters of one element {@code goflow:stream} prints: {@value}. */
    static final int MAX_ELEMENT_CHARS = 1_000;

    private final Registry registry;
    private final GoFlow goflow;

    /**
     * Creates the commands.
     *
     * @param registry the live registry, to find pipelines
     * @param goflow this bundle's GoFlow, whose stream sources are the source plugins
     */
    @Activate
    public RunCommands(@Reference Registry registry, @Reference GoFlow goflow) {
        this.registry = registry;
        this.goflow = goflow;
    }

    /**
     * Executes a pipeline on one input and prints the result and each stage's.
     *
     * <p>Ctrl-C (Gogo interrupts the command's thread) cancels the execution: a stage that waits
     * fails with its {@link InterruptedException}. Gogo drops what an interrupted command returns,
     * so then the tables (what the pipeline did until then) are printed here, by a
     * {@link LinePrinter} so that the interrupt does not close the output, followed by
     * {@code goflow:run: interrupted; pipeline '<name>' cancelled}; the command then returns
     * {@code null} with the thread's interrupt flag set again. The same happens whenever the
     * execution returns with the flag set (a stage that threw an {@code InterruptedException} of
     * its own: the pipeline keeps it for the caller).
     *
     * @param name the pipeline
     * @param input the input
     * @return the result; {@code null} when it was printed because the command was interrupted
     */
    @Descriptor("execute a pipeline on one input and print its output and each stage's result")
    public String run(@Descriptor("the pipeline's name") String name,
            @Descriptor("the input, passed to the first stage as a string") String input) {
        String shown = execute(name, input);
        if (!Thread.currentThread().isInterrupted()) {
            return shown;
        }
        // Ctrl-C: Gogo drops the return value of an interrupted command, and the thread's own write
        // would close Gogo's interruptible output. The printer thread writes, nobody interrupts it.
        try (LinePrinter printer = new LinePrinter(System.out, "goflow:run " + name)) {
            // one hand-over: after a second Ctrl-C gives a stuck output up, the printer takes no more
            printer.printlnLast(shown + "goflow:run: interrupted; pipeline '" + name + "' cancelled");
        } catch (LinePrinter.OutputClosedException e) {
            // nobody reads the output: the result has nowhere to go, and the command ends as interrupted
        }
        Thread.currentThread().interrupt(); // kept by printlnLast, but not if the printer gave up
        return null;
    }

    private String execute(String name, String input) {
        @SuppressWarnings("unchecked")
        Pipeline<Object, ?> pipeline = registry.find(name, Pipeline.class) // not another bundle's pool of that name
                .map(p -> (Pipeline<Object, ?>) p)
                .orElseThrow(() -> missingPipeline(name));
        PipelineResult<Object, ?> result = pipeline.execute(input);
        StringBuilder sb = new StringBuilder();
        sb.append(Table.of("pipeline", "result", "output", "duration")
                .row(name, result.succeeded() ? "succeeded" : "failed", result.succeeded() ? result.output() : "-",
                        result.duration()));
        sb.append('\n');
        Table stages = Table.of("stage", "input", "output", "duration", "error");
        for (StageResult s : result.stages()) {
            stages.row(s.stageName(), s.input(), s.error() == null ? s.output() : "-", s.duration(),
                    s.error() == null ? "-" : s.error().toString());
        }
        return sb.append(stages).toString();
    }

    /**
     * Prints the usage of {@code goflow:run} for {@code --help} (see {@link Usage}).
     *
     * @param help {@code --help} or {@code -h}
     * @throws IllegalArgumentException for any other argument
     */
    @Usage.HelpOnly
    @Descriptor("print this command's usage (--help or -h)")
    public void run(@Descriptor("--help or -h") String help) {
        Usage.helpOnly(help, RunCommands.class, "run");
    }

    private IllegalArgumentException missingPipeline(String name) {
        List<String> known = new ArrayList<>();
        for (Primitive p : registry.primitives()) {
            if (p instanceof Pipeline) {
                known.add(p.name());
            }
        }
        Optional<String> other = registry.find(name).map(p -> p.kind().label());
        return new IllegalArgumentException(Names.notFound("pipeline", name, other, known));
    }

    /**
     * Prints the elements of a stream source plugin as they come, on the command's output (Gogo
     * binds {@code System.out} to the console, a pipe or a redirection of the running command).
     * See {@link #stream(PrintStream, String, String)}.
     *
     * @param source the source's name
     * @param limit how many elements at most, as typed
     */
    @Descriptor("print the elements of a stream source plugin (goflow.source.name) as they come, at most <limit>"
            + " (1 to " + MAX_LIMIT + "); Ctrl-C stops it and closes the source")
    public void stream(@Descriptor("the source's name") String source,
            @Descriptor("how many elements at most, a whole number from 1 to " + MAX_LIMIT) String limit) {
        stream(System.out, source, limit);
    }

    /**
     * Prints the usage of {@code goflow:stream} for {@code --help} (see {@link Usage}).
     *
     * @param help {@code --help} or {@code -h}
     * @throws IllegalArgumentException for any other argument
     */
    @Usage.HelpOnly
    @Descriptor("print this command's usage (--help or -h)")
    public void stream(@Descriptor("--help or -h") String help) {
        Usage.helpOnly(help, RunCommands.class, "stream");
    }

    /**
     * Prints the elements of a source as they come: a header line, then one line per element
     * ({@code <n>  <element>}), each flushed as soon as the element arrives. Nothing is collected,
     * so memory does not grow with {@code limit}. The lines are written by a {@link LinePrinter}
     * while this thread waits for each, so that Ctrl-C never interrupts a write to Gogo's
     * interruptible output (which would close it and lose the rest, the closing message included).
     *
     * <p>It ends when {@code limit} elements are printed, the source ends, or the thread is
     * interrupted (Ctrl-C: Gogo interrupts the command's thread). An interrupt stops the stream at
     * the source's next wait or, for a source that does not wait, before the next element is
     * printed; the stream then closes the source, this prints
     * {@code goflow:stream: interrupted after <n> elements; source '<name>' closed} and returns with
     * the thread's interrupt flag set again. If the output itself is stuck (a console or a pipe that
     * nobody reads), a second interrupt gives the output up and the command returns. A failure of
     * the source, {@code Error}s included (except the JVM's own), is thrown as a
     * {@link GoFlowException} naming the source and how many elements were printed, with the
     * failure as its cause and, in its message, on one line with its control characters escaped
     * (it often quotes what the source read, and the message reaches the console). An output that
     * fails a write (nobody reads it any more: a closed pipe, a dropped remote session; Gogo's
     * {@code PrintStream} swallows the error) ends the command at
     * once with a {@link GoFlowException} saying so, the source closed, instead of taking the rest
     * of {@code limit} elements from the source for nobody.
     *
     * @param out where to print
     * @param source the source's name
     * @param limit how many elements at most, as typed
     * @throws goflow.api.InvalidConfigException if {@code limit} is not a whole number from 1 to
     *     {@value #MAX_LIMIT}
     * @throws GoFlowException if there is no such source (the message lists the names that
     *     exist) or the source fails
     */
    void stream(PrintStream out, String source, String limit) {
        long max = Args.whole("goflow:stream", "limit", limit, 1, MAX_LIMIT,
                "how many elements to print; Ctrl-C stops sooner");
        long[] printed = {0};
        boolean[] interrupted = {false};
        // Gogo's output is an interruptible channel: a write that Ctrl-C interrupts closes it and loses
        // the rest of the output. So the lines are written by a printer thread nobody interrupts.
        try (LinePrinter printer = new LinePrinter(out, "goflow:stream " + source)) {
            Stream<Object> stream = goflow.streams().named(source, Object.class); // unknown: lists the names
            try (stream; CancellableContext ctx = Context.background().withCancel()) {
                printer.println("#  element");
                stream.limit(max).forEach(ctx, element -> {
                    if (!Thread.interrupted()) { // interrupted: a source that never waits, not printed
                        long n = printed[0] + 1;
                        try {
                            printer.println(n + "  " + show(element));
                            printed[0] = n;
                            return;
                        } catch (InterruptedException e) {
                            printed[0] = n; // Ctrl-C while it was printed: the line still gets through
                        } catch (LinePrinter.OutputClosedException e) {
                            if (!Thread.interrupted()) {
                                throw e;
                            }
                            // Ctrl-C while the line was printed, and that write failed before the wait
                            // noticed the interrupt (a finished Future wins over the flag): interrupted
                        }
                    }
                    interrupted[0] = true;
                    ctx.cancel(); // the stream stops: no element follows
                });
            } catch (InterruptedException e) {
                interrupted(printer, source, printed[0]);
            } catch (CancelledException e) {
                if (!interrupted[0]) {
                    throw failed(source, printed[0], e);
                }
                interrupted(printer, source, printed[0]);
            } catch (LinePrinter.OutputClosedException e) {
                throw new GoFlowException("goflow:stream: " + e.getMessage() + " after " + printed[0]
                        + " elements; source '" + source + "' closed", e);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                throw failed(source, printed[0], e);
            }
        }
    }

    private static void interrupted(LinePrinter printer, String source, long printed) {
        try {
            printer.printlnLast("goflow:stream: interrupted after " + printed + " elements; source '" + source
                    + "' closed");
        } catch (LinePrinter.OutputClosedException e) {
            // nobody reads the output: the message has nowhere to go, and the command ends as interrupted
        }
        Thread.currentThread().interrupt(); // for the caller, as the interrupt came
    }

    /**
     * The error for a source that failed. What it threw often quotes what it read, and reaches the
     * console: it is shown on one line with its control characters escaped, as an element is.
     */
    private static GoFlowException failed(String source, long printed, Throwable e) {
        return new GoFlowException("goflow:stream: source '" + source + "' failed after " + printed + " elements: "
                + Table.oneLine(Table.describe(e)), e);
    }

    /**
     * One element on one line: its {@code toString()} cut after {@value #MAX_ELEMENT_CHARS}
     * characters, with line breaks, tabs and other control characters shown escaped as
     * {@link Table} shows a cell ({@code \n}, {@code \r}, {@code \t}, {@code \u001b} for the
     * {@code ESC} of a terminal escape sequence, which would otherwise act on the console); a
     * failing {@code toString()} (an {@code Error} too, but a {@link VirtualMachineError}) is
     * shown, not thrown.
     */
    static String show(Object element) {
        String text;
        try {
            text = String.valueOf(element);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) { // the element's, not the source's failure: the stream goes on
            return Table.oneLine(Table.toStringFailed(e));
        }
        if (text.length() > MAX_ELEMENT_CHARS) {
            int cut = Character.isHighSurrogate(text.charAt(MAX_ELEMENT_CHARS - 1)) ? MAX_ELEMENT_CHARS - 1
                    : MAX_ELEMENT_CHARS;
            text = text.substring(0, cut) + "... (" + (text.length() - cut) + " more characters)";
        }
        return Table.oneLine(text);
    }
}
