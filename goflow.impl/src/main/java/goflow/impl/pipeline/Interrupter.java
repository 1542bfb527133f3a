package goflow.impl.pipeline;

import java.util.concurrent.atomic.AtomicInteger;

import goflow.api.Registration;
import goflow.api.context.Context;

/**
 * Interrupts the thread running a stage when the execution's own context ends (its timeout, or
 * the cancellation of an {@code executeAsync} future), so stages blocked in interruptible calls
 * ({@code Thread.sleep}, blocking queues, interruptible channels) stop even if they do not watch
 * their context; and makes sure such an interrupt never leaks past the stage.
 *
 * <p>State machine on {@code state}, as in {@link java.util.concurrent.FutureTask}: IDLE →
 * RUNNING (the execution thread, before a stage) → IDLE (after it) or RUNNING → INTERRUPTING →
 * INTERRUPTED (the thread ending the context, around {@code Thread.interrupt}). A stage that
 * finishes while an interrupt is in progress waits for INTERRUPTED and then clears its own
 * interrupt flag. A thread already interrupted when the context ends (its caller's own interrupt,
 * still pending because the stage does not look at it) is not interrupted again: the state goes
 * to KEPT instead, and that interrupt is left for the caller. Once the context has ended no
 * further stage starts, so INTERRUPTED and KEPT are final.
 */
final class Interrupter implements AutoCloseable {
    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int INTERRUPTING = 2;
    private static final int INTERRUPTED = 3;
    private static final int KEPT = 4;

    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final Thread thread = Thread.currentThread();
    private final Registration registration;

    Interrupter(Context ctx) {
        this.registration = ctx.onDone(this::contextEnded);
    }

    private void contextEnded() {
        if (state.compareAndSet(RUNNING, INTERRUPTING)) {
            int end = KEPT;
            try {
                if (!thread.isInterrupted()) { // else the interrupt pending is not ours to clear
                    thread.interrupt();
                    end = INTERRUPTED;
                }
            } finally {
                state.set(end);
            }
        }
    }

    /** Called by the execution thread before a stage. */
    void stageStarts() {
        state.compareAndSet(IDLE, RUNNING);
    }

    /** Called by the execution thread after a stage; clears an interrupt this object delivered. */
    void stageEnded() {
        if (state.compareAndSet(RUNNING, IDLE)) {
            return;
        }
        while (state.get() == INTERRUPTING) {
            Thread.onSpinWait();
        }
        if (state.get() == INTERRUPTED) {
            Thread.interrupted();
        }
    }

    @Override
    public void close() {
        registration.close();
    }
}
