package goflow.impl.schedule;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import goflow.api.Clock;
import goflow.api.InvalidConfigException;
import goflow.api.Registration;
import goflow.api.context.CancellableContext;
import goflow.api.schedule.Lease;
import goflow.api.schedule.LeaseException;
import goflow.api.schedule.LeaseProvider;
import goflow.impl.internal.Durations;

/**
 * The lease of one once-per-cluster task (see {@link goflow.api.schedule.TaskBuilder#oncePerCluster}):
 * claimed on the worker before each run, renewed by a {@link Renewer} thread while the run lasts,
 * kept after it (so the holder runs the next due time too), released when the task is cancelled or
 * the scheduler stops.
 *
 * <p>Thread-safe: {@link #held} is guarded by this object's monitor, held only briefly and never
 * during a call to the provider; the runs of one task claim one after the other under
 * {@link #claiming} (each call is bounded by the provider's own timeout), so that
 * {@link #release()} (from {@code cancel()} and {@code stop()}) does not wait for a claim's round
 * trip to the store: a claim that returns after a release finds its run cancelled, and gives the
 * lease back itself.
 */
final class ClusterLease {
    private static final System.Logger LOG = System.getLogger(ClusterLease.class.getName());

    /** The longest lease name a {@link LeaseProvider} takes. */
    static final int MAX_NAME = 255;

    final LeaseProvider provider;
    final Duration ttl;
    final String name;
    /** Held while a run claims the lease: the runs of one task claim one after the other. */
    private final Object claiming = new Object();
    /** The lease this node holds, or null. Guarded by this. */
    private Lease held;
    /**
     * How the last claim failed, so that a failure is logged when it starts (or changes kind), not
     * at every run: null when it succeeded, else {@link LeaseException} (the store could not be
     * reached) or the class of the provider's other exception (a defect in the provider). Guarded
     * by {@link #claiming}.
     */
    private Class<?> failing;

    ClusterLease(LeaseProvider provider, Duration ttl, String schedulerName, String taskId) {
        this.provider = provider;
        this.ttl = ttl;
        this.name = name(schedulerName, taskId);
    }

    /**
     * Returns the lease name of a task: {@code goflow/<scheduler>/<task id>}, with {@code %} and
     * {@code /} of the scheduler's name written {@code %25} and {@code %2F}: a scheduler name may
     * have {@code /} and a task id anything, so that scheduler {@code a/b}'s task {@code c} and
     * scheduler {@code a}'s task {@code b/c} would otherwise share one lease (the holder of one
     * skipping the other at every due time). A name without them is unchanged.
     */
    static String name(String schedulerName, String taskId) {
        String scheduler = schedulerName.indexOf('/') < 0 && schedulerName.indexOf('%') < 0 ? schedulerName
                : schedulerName.replace("%", "%25").replace("/", "%2F");
        return "goflow/" + scheduler + "/" + taskId;
    }

    /**
     * Checks that the lease name of task {@code taskId} fits a {@link LeaseProvider} (1 to 255
     * characters), so that no provider refuses it at every run (skipped as if the store were down).
     *
     * @throws InvalidConfigException naming the id when it does not fit
     */
    static void checkName(String schedulerName, String taskId) {
        int length = name(schedulerName, taskId).length();
        if (length > MAX_NAME) {
            throw new InvalidConfigException(schedulerName, "id", taskId, "makes the lease name "
                    + name(schedulerName, "<id>") + " " + length + " characters long, more than the " + MAX_NAME
                    + " a lease provider takes",
                    "a once-per-cluster task needs a shorter id");
        }
    }

    /**
     * Claims the lease for a run: renews the one held, or takes it.
     *
     * @return the lease, or null when another node holds it
     * @throws LeaseException if the store cannot be reached
     */
    Lease claim() {
        synchronized (claiming) {
            Lease kept = held();
            if (kept != null) {
                if (kept.renew(ttl)) {
                    return kept; // if release() took it meanwhile, it cancelled the run first: the run gives it up
                }
                LOG.log(Level.INFO, () -> "lease " + name + " ran out since the last run; taking it again");
                lost(kept);
            }
            Lease taken = provider.tryAcquire(name, ttl).orElse(null);
            synchronized (this) {
                held = taken;
            }
            return taken;
        }
    }

    private synchronized Lease held() {
        return held;
    }

    /**
     * Claims the lease for a run as {@link #claim()} does. A {@link LeaseException} (the store
     * cannot be reached or answered an error) counts as another holder: logged at WARNING when it
     * starts, at INFO when the store answers again. Any other exception of the provider counts as
     * another holder too (the run cannot know it holds the lease), but is logged at ERROR with its
     * stack trace as what it is: a defect in the provider (a misconfiguration, a bug), not a store
     * that cannot be reached. An Error is logged so and rethrown: the run fails.
     *
     * @return the lease, or null when the run must be skipped
     */
    Lease claimForRun() {
        synchronized (claiming) {
            return claimLogged();
        }
    }

    /** {@link #claimForRun()} under {@link #claiming}, which also guards {@link #failing}. */
    private Lease claimLogged() {
        try {
            Lease l = claim();
            if (failing != null) {
                String back = failing == LeaseException.class ? "the lease store answers again"
                        : "the lease provider answers again";
                failing = null;
                LOG.log(Level.INFO, () -> "lease " + name + ": " + back);
            }
            return l;
        } catch (LeaseException e) {
            if (failing != LeaseException.class) {
                failing = LeaseException.class;
                LOG.log(Level.WARNING, "lease " + name + ": the lease store cannot be reached; runs are skipped "
                        + "until it answers (" + describeProvider() + ")", e);
            } else {
                LOG.log(Level.DEBUG, () -> "lease " + name + ": the lease store still cannot be reached", e);
            }
            return null;
        } catch (RuntimeException e) {
            if (failing != e.getClass()) {
                failing = e.getClass();
                LOG.log(Level.ERROR, defect("claim", e) + "; runs are skipped until it succeeds", e);
            } else {
                LOG.log(Level.DEBUG, () -> "lease " + name + ": the lease provider still fails with " + e, e);
            }
            return null;
        } catch (Throwable e) {
            // an Error, or a checked exception thrown undeclared (Kotlin, Scala, a sneaky throw)
            failing = e.getClass();
            LOG.log(Level.ERROR, defect("claim", e) + "; the run fails", e);
            throw e;
        }
    }

    /**
     * The message for a provider that threw something else than a {@link LeaseException} from
     * {@code what} (claim, renew, release): it names the lease, the provider and the exception.
     */
    private String defect(String what, Throwable e) {
        return "lease " + name + ": the lease provider " + describeProvider() + " (" + provider.getClass().getName()
                + ") threw " + e + " on " + what + ", not a LeaseException: a defect in the lease provider (a bug, "
                + "a misconfiguration, or its bundle went away), not an outage of the lease store";
    }

    /** The provider's {@link LeaseProvider#describe()}, or its class name if that throws too. */
    private String describeProvider() {
        try {
            return provider.describe();
        } catch (Throwable e) {
            return provider.getClass().getSimpleName();
        }
    }

    /** Forgets {@code lease} if it is the one held (it was lost). */
    synchronized void lost(Lease lease) {
        if (held == lease) {
            held = null;
        }
    }

    /**
     * Releases the lease held, if any, so another node can take it at once. Never throws: what the
     * provider throws, an Error included, is logged (the lease runs out by itself).
     */
    void release() {
        Lease l;
        synchronized (this) {
            l = held;
            held = null;
        }
        if (l != null) {
            giveBack(l);
        }
    }

    /**
     * Releases {@code l}. Never throws: what the provider throws, an Error included, is logged (the
     * lease runs out by itself).
     */
    private void giveBack(Lease l) {
        try {
            l.release();
        } catch (LeaseException e) {
            LOG.log(Level.WARNING, "lease " + name + ": release failed; it runs out by itself", e);
        } catch (Throwable e) {
            // stop(), close() and cancel() release the leases of every task: an Error here (a
            // provider whose bundle went away), or a checked exception thrown undeclared, must
            // not keep the others from being released
            LOG.log(Level.ERROR, defect("release", e) + "; it runs out by itself", e);
        }
    }

    /** Returns whether this node holds the lease (as far as it knows). */
    synchronized boolean holds() {
        return held != null;
    }

    /**
     * Starts renewing {@code lease} every third of the time to live while a run lasts; when the
     * lease is lost, or is not renewed within a whole time to live of when the last successful claim
     * or renewal was sent (when the store may let it go), {@code run} is cancelled.
     *
     * @param lease the lease claimed for the run
     * @param run the run's context
     * @param clock the scheduler's clock
     * @param claimSentNanos when the claim that returned {@code lease} was sent, on {@code clock}
     * @param threadName the renewer thread's name
     * @return the renewer; {@link Renewer#stop()} it when the run ends
     */
    Renewer renewWhileRunning(Lease lease, CancellableContext run, Clock clock, long claimSentNanos,
            String threadName) {
        Renewer r = new Renewer(lease, run, clock, claimSentNanos);
        r.thread = new Thread(r::loop, threadName);
        r.thread.setDaemon(true);
        r.thread.start();
        return r;
    }

    /**
     * Renews one run's lease on its own thread. Thread-safe: its mutable fields are volatile or
     * atomic; the expiry timer runs on the clock's timer thread.
     *
     * <p>The store starts a claim's or renewal's time to live somewhere between when the call was
     * sent and when its answer came, so the lease is this node's only until a time to live after the
     * last successful call was <em>sent</em>: the run is cancelled then at the latest, whether or
     * not a renewal is being retried, and even when the clock jumped (a pause) past that point.
     * Renewals are sent every third of the time to live, counted from when the previous one was
     * sent (a slow answer does not delay the next); one whose answer took longer than that is
     * followed at once by the next. A timer on the clock cancels the run at that point even while
     * a renewal still waits for the store (a store whose timeout is longer than the time to live).
     */
    final class Renewer {
        private final Lease lease;
        private final CancellableContext run;
        private final Clock clock;
        private final long ttlNanos = Durations.toNanosSaturated(ttl);
        /** When the claim that returned the lease was sent: the first renewal is due a third of the ttl after it. */
        private final long claimSentNanos;
        private volatile boolean stopped;
        /** Set by whichever path ends the run for its lease first (lost, run out, Error): it logs and cancels once. */
        private final AtomicBoolean ended = new AtomicBoolean();
        /** When the lease may run out: a successful claim's or renewal's sending plus the ttl; the timer's key. */
        private volatile long expiresAt;
        /** The timer that cancels the run at {@link #expiresAt}; written by the renewer thread, closed by stop(). */
        private volatile Registration expiry = Registration.NONE;
        /** The last renewal failure since the last success, for the log; null after a success. */
        private volatile Throwable lastFailure;
        /**
         * Set by {@link #expire} when it ended the run: the lease was forgotten ({@link #lost}), so
         * nobody else gives it back, and the store may still hold it for this node (it was slow,
         * not gone, or a renewal it answered late went through); the renewer thread releases it as
         * it ends, after the renewal it may be waiting for, so that another node need not wait out
         * the time to live and the provider does not count it held for ever.
         */
        private volatile boolean ranOut;
        private Thread thread;

        private Renewer(Lease lease, CancellableContext run, Clock clock, long claimSentNanos) {
            this.lease = lease;
            this.run = run;
            this.clock = clock;
            this.claimSentNanos = claimSentNanos;
        }

        /** The renewer thread: renews until the run ends, then gives back a lease that ran out. */
        private void loop() {
            try {
                renewUntilEnd();
            } finally {
                if (ranOut) {
                    giveBack(lease);
                }
            }
        }

        private void renewUntilEnd() {
            long interval = ttlNanos / 3;
            long sentOk = claimSentNanos; // when the last successful claim or renewal was sent
            long lastTry = claimSentNanos;
            expireAt(sentOk);
            while (!stopped) {
                long now = clock.nanoTime();
                long held = ttlNanos - (now - sentOk); // how long the store keeps the lease at least
                if (held <= 0) {
                    ranOut = true; // whoever ends the run (this thread or the timer), the lease is given back
                    expire(expiresAt);
                    return;
                }
                long wait = Math.min(interval - (now - lastTry), held);
                if (wait > 0) {
                    clock.parkNanos(this, wait);
                    continue;
                }
                try {
                    boolean renewed = lease.renew(ttl);
                    if (stopped) {
                        return; // the run ended while the store answered: nothing left to renew or cancel
                    }
                    if (!renewed) {
                        if (ended.compareAndSet(false, true)) {
                            // cancelled before the log line, whose token comes from the provider too
                            lost(lease);
                            run.cancel();
                            LOG.log(Level.WARNING, "lease " + name + " was lost during a run (fencing token "
                                    + token() + "): the run is cancelled");
                        }
                        return;
                    }
                    sentOk = now;
                    lastFailure = null;
                    expireAt(sentOk);
                } catch (LeaseException e) {
                    lastFailure = e;
                    LOG.log(Level.DEBUG, () -> "lease " + name + ": renewal failed, retrying", e);
                } catch (RuntimeException e) {
                    // a defect in the provider: retried as a store error is (it may not last), and
                    // said as what it is, once per kind during this run
                    Throwable previous = lastFailure;
                    if (previous == null || previous.getClass() != e.getClass()) {
                        LOG.log(Level.ERROR, defect("renew", e) + "; retrying until the lease may have run out", e);
                    }
                    lastFailure = e;
                } catch (Throwable e) {
                    // an Error (a provider whose bundle went away: NoClassDefFoundError) or a checked
                    // exception thrown undeclared: nobody could renew the lease, nor cancel the run
                    // when it runs out; logged, not rethrown (this thread ends either way)
                    if (stopped) {
                        LOG.log(Level.ERROR, defect("renew", e) + " after the run ended", e);
                    } else if (ended.compareAndSet(false, true)) {
                        LOG.log(Level.ERROR, defect("renew", e) + "; the run is cancelled", e);
                        lost(lease);
                        run.cancel();
                    }
                    return;
                }
                // the next try is due an interval after this one was sent, not after its answer came:
                // a slow answer must not push the renewals toward the end of the lease
                lastTry = now;
            }
        }

        /** The lease's fencing token for the log, or what the provider threw instead. */
        private String token() {
            try {
                return Long.toString(lease.fencingToken());
            } catch (Throwable e) {
                return "unknown: " + e;
            }
        }

        /**
         * Arms the timer that cancels the run when the lease may have run out: a time to live after
         * {@code sentOkNanos}, when the last successful claim or renewal was sent. Renewer thread only.
         */
        private void expireAt(long sentOkNanos) {
            long deadline = sentOkNanos + ttlNanos;
            expiresAt = deadline;
            Registration previous = expiry;
            expiry = clock.schedule(deadline, () -> expire(deadline));
            previous.close();
            if (stopped) { // stop() may have closed the previous timer, not this one
                expiry.close();
            }
        }

        /**
         * The lease may have run out at {@code deadline}, unless a later success moved it: cancels
         * the run (once), whether or not a renewal is still waiting for the store.
         */
        private void expire(long deadline) {
            if (stopped || deadline != expiresAt || !ended.compareAndSet(false, true)) {
                return;
            }
            ranOut = true; // before anything slower: the renewer thread may be ending now, and reads it as it ends
            LOG.log(Level.WARNING, "lease " + name + " could not be renewed for its whole time to live: "
                    + "the run is cancelled", lastFailure);
            lost(lease);
            run.cancel();
            LockSupport.unpark(thread); // a parked renewer gives the lease back now, not at its next try
        }

        /**
         * Stops renewing and removes the timer. Does not wait for the thread: a renewal it sent may
         * wait for the store up to the provider's timeout, and the run is recorded when its job
         * ends, not then; the thread ends when that renewal's answer comes, and acts on it no more.
         */
        void stop() {
            stopped = true;
            LockSupport.unpark(thread);
            expiry.close();
        }
    }

    @Override
    public String toString() {
        return "lease " + name + " (" + provider.describe() + ", ttl " + ttl + ")";
    }
}
