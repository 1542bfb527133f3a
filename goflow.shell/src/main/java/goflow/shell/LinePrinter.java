package goflow.shell;

import java.io.PrintStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Prints a command's lines from a thread of its own, so that Ctrl-C never lands in a write.
 *
 * <p>Gogo writes a command's output through an interruptible channel, and Ctrl-C interrupts the
 * command's thread. An interrupt that comes while that thread is inside a write closes the channel,
 * and every later line, the command's closing message included, is lost. Here the writes are made by
 * one printer thread that nobody interrupts; the command's thread hands it each line and waits for
 * it, so an interrupt ends only that wait and the line is still printed, in order.
 *
 * <p>The printer thread is started by the constructor, on the command's thread: Gogo binds
 * {@code System.out} per command in an {@link InheritableThreadLocal} (its {@code ThreadIO}), so a
 * thread started there writes where the command's own thread would (the console, a pipe or a
 * redirection).
 *
 * <p>Thread safety: meant for the one command thread that created it. Invariant: lines are printed
 * in the order they were handed over, one at a time, each flushed; once {@link #close()} returns,
 * every line is printed or the output was given up, and the printer thread is ending.
 */
final class LinePrinter implements AutoCloseable {
    private final PrintStream out;
    /** One thread, FIFO: the lines' order. Started in the constructor (see the class comment). */
    private final ThreadPoolExecutor printer;

    /**
     * Starts the printer thread; call it on the command's thread.
     *
     * @param out where the lines go
     * @param threadName the printer thread's name
     */
    LinePrinter(PrintStream out, String threadName) {
        this.out = out;
        this.printer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        printer.prestartAllCoreThreads();
    }

    /**
     * Prints {@code line} and flushes, and waits until that is done.
     *
     * @param line the line, without its line break
     * @throws InterruptedException if this thread is interrupted while it waits; the line is still
     *     printed, before any line handed over later
     * @throws OutputClosedException if the output failed to write it
     * @throws RuntimeException or {@link Error}: what the output threw, as it was
     */
    void println(String line) throws InterruptedException {
        await(handOver(line));
    }

    /**
     * Prints {@code line} after every line handed over before it, and waits until that is done, even
     * if this thread's interrupt flag is set when it is called (the flag is kept). See
     * {@link #close()} for an interrupt while it waits.
     *
     * @param line the last line, without its line break
     * @throws RuntimeException or {@link Error}: what the output threw, as it was
     */
    void printlnLast(String line) {
        Future<?> last = handOver(line);
        waitOrGiveUp(() -> await(last));
    }

    /**
     * Waits until every line handed over is printed, even if this thread's interrupt flag is set
     * (the flag is kept), and ends the printer thread. An interrupt while it waits means the output
     * itself is stuck (a console or a pipe nobody reads, and a second Ctrl-C): then the output is
     * given up — the printer thread is interrupted, which closes Gogo's channel — and this returns
     * with the interrupt flag set.
     */
    @Override
    public void close() {
        printer.shutdown();
        waitOrGiveUp(() -> {
            while (!printer.awaitTermination(1, TimeUnit.MINUTES)) {
                // a slow console: go on waiting, as the command's own write would have
            }
        });
    }

    private Future<?> handOver(String line) {
        return printer.submit(() -> {
            out.println(line);
            out.flush();
            if (out.checkError()) { // a PrintStream swallows its output's IOException
                throw new OutputClosedException();
            }
        });
    }

    /**
     * The output failed a write: nobody reads it any more (a closed pipe, a dropped remote
     * session). A {@code PrintStream}, as Gogo gives a command, swallows the failure; this is what
     * {@link #println} and {@link #printlnLast} throw instead.
     */
    static final class OutputClosedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutputClosedException() {
            super("the output is closed (nobody reads it any more)", null, false, false);
        }
    }

    /** A wait that an interrupt ends. */
    private interface Wait {
        void run() throws InterruptedException;
    }

    /** Runs {@code wait} with the interrupt flag cleared; an interrupt during it gives the output up. */
    private void waitOrGiveUp(Wait wait) {
        boolean interrupted = Thread.interrupted();
        try {
            wait.run();
        } catch (InterruptedException stuck) {
            interrupted = true;
            printer.shutdownNow(); // interrupts a blocked write: Gogo's channel closes
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void await(Future<?> printed) throws InterruptedException {
        try {
            printed.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) cause; // a Runnable throws nothing else
        }
    }
}
