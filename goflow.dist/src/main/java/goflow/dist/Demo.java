package goflow.dist;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import goflow.api.GoFlow;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.context.ContextException;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.pool.TaskResult;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.schedule.Scheduler;

/**
 * The runnable demo: an API gateway in miniature. Three clients send requests as fast as they can
 * for a few seconds; a per-client limiter and a global token bucket decide who gets in, a worker
 * pool serves the admitted requests, a concurrency limiter guards a pretend database with four
 * connections, and a scheduler prints progress every half second. The per-client limiter makes
 * each client wait its turn ({@code await}); the global bucket refuses at once ({@code allow}). At the end it prints every
 * primitive's statistics, as the shell will.
 */
public final class Demo {
    private static final List<String> CLIENTS = List.of("alice", "bob", "mallory");

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param args optional: the run time in seconds (default 3)
     * @throws Exception if the demo fails
     */
    public static void main(String[] args) throws Exception {
        Duration runTime = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 3);
        PrintStream out = System.out;
        AtomicLong admitted = new AtomicLong();
        AtomicLong throttledGlobal = new AtomicLong();

        try (GoFlow goflow = GoFlow.load()) {
            KeyedRateLimiter<String> perClient = goflow.keyedRateLimiter()
                    .name("per-client").rate(40).burst(10).maxKeys(1000).idleTimeout(Duration.ofMinutes(5)).build();
            RateLimiter global = goflow.tokenBucket().name("gateway").rate(100).burst(20).build();
            ConcurrencyLimiter database = goflow.concurrencyLimiter().name("db-connections").capacity(4).fair(true).build();
            WorkerPool pool = goflow.workerPool().name("handlers").workers(8).queueCapacity(256)
                    .taskTimeout(Duration.ofSeconds(1)).build();
            Scheduler scheduler = goflow.scheduler().name("reporter").workers(1).build();
            scheduler.every(Duration.ofMillis(500), ctx -> out.printf(
                    "  progress: admitted %4d, refused by the gateway %4d, pool completed %4d, db waits %3d%n",
                    admitted.get(), throttledGlobal.get(), pool.stats().completed(), database.stats().waited()));
            scheduler.start();

            out.printf("goflow demo: 3 clients flood a gateway limited to 40/s per client and 100/s overall, "
                    + "for %d s%n", runTime.toSeconds());
            List<CompletableFuture<TaskResult<String>>> results = new CopyOnWriteArrayList<>();
            try (CancellableContext run = Context.background().withTimeout(runTime)) {
                List<Thread> clients = CLIENTS.stream().map(client -> new Thread(() -> {
                    while (true) {
                        try {
                            perClient.await(run, client);   // blocks until this client may go on
                        } catch (ContextException | InterruptedException end) {
                            return;                         // the run is over
                        }
                        if (!global.allow()) {              // never blocks
                            throttledGlobal.incrementAndGet();
                            continue;
                        }
                        admitted.incrementAndGet();
                        results.add(pool.submit(ctx -> query(ctx, database, client)));
                    }
                }, "client-" + client)).toList();
                clients.forEach(Thread::start);
                for (Thread t : clients) {
                    t.join();
                }
            }
            long served = results.stream().map(CompletableFuture::join).filter(TaskResult::succeeded).count();
            scheduler.stop();
            out.printf("done: admitted %d requests (%.0f/s), served %d; %d refused by the gateway's token bucket%n",
                    admitted.get(), admitted.get() / (double) runTime.toSeconds(), served, throttledGlobal.get());
            out.println();
            printStats(out, goflow.registry().snapshot());
        } // closing GoFlow shuts the pool and the scheduler down and stops their threads
    }

    /** A pretend database call: takes one of the four connections for about 2 ms. */
    private static String query(Context ctx, ConcurrencyLimiter database, String client) throws InterruptedException {
        try {
            database.acquire(ctx, 1);
        } catch (ContextException e) {
            return "gave up";
        }
        try {
            ctx.sleep(Duration.ofMillis(2));
            return "rows for " + client;
        } finally {
            database.release(1);
        }
    }

    private static void printStats(PrintStream out, List<PrimitiveInfo> rows) {
        out.printf("%-20s %-20s %s%n", "KIND", "NAME", "STATISTICS");
        for (PrimitiveInfo row : rows) {
            StringBuilder figures = new StringBuilder();
            for (Map.Entry<String, Object> e : row.stats().toMap().entrySet()) {
                if (figures.length() > 0) {
                    figures.append(", ");
                }
                figures.append(e.getKey()).append('=').append(e.getValue());
            }
            out.printf("%-20s %-20s %s%n", row.kind().label(), row.name(), figures);
        }
    }
}
