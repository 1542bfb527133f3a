package goflow.itest.stuck;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.io.AsyncWriter;
import goflow.api.pool.WorkerPool;

/**
 * The activator of a consumer bundle that leaves stuck work behind (packaged by
 * {@code Runtime.activatorBundle} for {@code FrameworkStopIT}): a pool task and an async writer's
 * output that both ignore interrupts until the system property {@value #RELEASE} is {@code true}.
 * It sets {@value #RUNNING} once both are stuck. It never closes them: the framework must cope.
 */
public final class StuckActivator implements BundleActivator {
    /** Set to {@code "true"} to let the stuck task and output return. */
    public static final String RELEASE = "goflow.itest.stuck.release";
    /** Set to {@code "true"} by the bundle once the task runs and the output is entered. */
    public static final String RUNNING = "goflow.itest.stuck.running";
    /** The name of the pool with the stuck task. */
    public static final String POOL = "stuck-pool";
    /** The name of the writer with the stuck output. */
    public static final String WRITER = "stuck-writer";

    /** For the framework. */
    public StuckActivator() {
    }

    @Override
    public void start(BundleContext context) throws Exception {
        GoFlow goflow = context.getService(context.getServiceReference(GoFlow.class));
        WorkerPool pool = goflow.workerPool().name(POOL).workers(1).build();
        pool.submit(ctx -> {
            System.setProperty(RUNNING + ".task", "true");
            ignoreInterruptsUntilReleased();
            return null;
        });
        AsyncWriter writer = goflow.asyncWriter().name(WRITER).output(new OutputStream() {
            @Override
            public void write(int b) {
                System.setProperty(RUNNING + ".output", "true");
                ignoreInterruptsUntilReleased();
            }
        }).flushThreshold(1).build();
        writer.write(Context.background(), "stuck".getBytes(StandardCharsets.US_ASCII));
        while (!Boolean.getBoolean(RUNNING + ".task") || !Boolean.getBoolean(RUNNING + ".output")) {
            Thread.sleep(5); // both are entered within milliseconds
        }
        System.setProperty(RUNNING, "true");
    }

    @Override
    public void stop(BundleContext context) {
        // nothing: the framework releases the GoFlow service, which closes what this bundle made
    }

    /** What stuck user code looks like: it ignores interrupts. */
    static void ignoreInterruptsUntilReleased() {
        while (!Boolean.getBoolean(RELEASE)) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException ignored) {
                // on purpose
            }
        }
    }
}
