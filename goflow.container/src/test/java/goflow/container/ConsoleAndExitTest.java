package goflow.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;

/** The console's stop guard ({@link ConsoleCommands}) and the framework-wide exit code ({@link ExitCode}). */
class ConsoleAndExitTest {
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS), "a test thread did not end");
    }

    @Test
    void theFrameworkStopWaitsForTheCommandLineThatIsExecuting() throws Exception {
        ConsoleCommands commands = new ConsoleCommands(System::nanoTime);
        CommandSession session = session();
        commands.beforeExecute(session, "stop 0");
        Thread[] waiter = new Thread[1];
        CompletableFuture<Boolean> settled = CompletableFuture.supplyAsync(() -> {
            waiter[0] = Thread.currentThread();
            try {
                return commands.frameworkStopping(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, threads);
        eventually(() -> waiter[0] != null && waiter[0].getState() == Thread.State.TIMED_WAITING, "the stop waits");
        assertFalse(settled.isDone());
        commands.afterExecute(session, "stop 0", (Object) null);
        assertTrue(settled.get(10, TimeUnit.SECONDS));
        assertEquals(0, commands.executing());
    }

    @Test
    void theWaitIsBoundedByTheClock() throws Exception {
        AtomicLong now = new AtomicLong();
        ConsoleCommands commands = new ConsoleCommands(() -> now.getAndAdd(TimeUnit.SECONDS.toNanos(3)));
        commands.beforeExecute(session(), "sleep 1000");
        assertFalse(commands.frameworkStopping(2000), "gives up after 2 s of its clock");
        commands.afterExecute(session(), "sleep 1000", new InterruptedException());
        assertEquals(0, commands.executing());
        commands.afterExecute(session(), "unbalanced", (Object) null);
        assertEquals(0, commands.executing(), "never below zero");
    }

    @Test
    void sessionsThatRanCommandsAreHeldFromTheFrameworkStopUntilRelease() throws Exception {
        ConsoleCommands commands = new ConsoleCommands(System::nanoTime);
        CommandSession console = session();
        commands.beforeExecute(console, "echo hi");
        commands.afterExecute(console, "echo hi", "hi");
        assertTrue(commands.held().isEmpty(), "held only once the framework stops");
        commands.bundleChanged(new BundleEvent(BundleEvent.STOPPING, bundle(7)));
        assertTrue(commands.held().isEmpty(), "another bundle stopping is not the framework");
        commands.bundleChanged(new BundleEvent(BundleEvent.STOPPING, bundle(0)));
        assertEquals(List.of(console), commands.held());
        commands.release();
        assertTrue(commands.held().isEmpty());
    }

    @Test
    void theExitCodeIsRegisteredOncePerFrameworkAndReleasedWhenTheFrameworkStartsToStop() throws Exception {
        FakeFramework fw = new FakeFramework();
        ExitCode exit = ExitCode.install(fw.framework);
        assertNotNull(exit);
        assertEquals(1, fw.registered.size());
        assertSame(exit, fw.registered.get(0));
        assertEquals(Boolean.TRUE, fw.properties.get(0).get(ExitCode.MAIN_THREAD));
        assertNull(ExitCode.install(fw.framework), "a later revision of the bundle finds the first one");
        assertEquals(1, fw.registered.size());

        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> {
            try {
                return exit.call();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, threads);
        fw.listeners.forEach(l -> l.bundleChanged(new BundleEvent(BundleEvent.STOPPING, bundle(3))));
        assertFalse(code.isDone(), "another bundle stopping does not release the launcher");
        fw.listeners.forEach(l -> l.bundleChanged(new BundleEvent(BundleEvent.STOPPING, bundle(0))));
        assertEquals(0, code.get(10, TimeUnit.SECONDS));
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out: " + what);
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private static CommandSession session() {
        return (CommandSession) Proxy.newProxyInstance(ConsoleAndExitTest.class.getClassLoader(),
                new Class<?>[] {CommandSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "session";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Bundle bundle(long id) {
        return (Bundle) Proxy.newProxyInstance(ConsoleAndExitTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundleId" -> id;
                    case "hashCode" -> Long.hashCode(id);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "bundle " + id;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A framework that never stops by itself, whose system context records listeners and services. */
    private static final class FakeFramework {
        final List<BundleListener> listeners = new ArrayList<>();
        final List<Object> registered = new ArrayList<>();
        final List<Dictionary<?, ?>> properties = new ArrayList<>();
        final Framework framework;

        FakeFramework() {
            ClassLoader loader = ConsoleAndExitTest.class.getClassLoader();
            ServiceReference<?> ref = (ServiceReference<?>) Proxy.newProxyInstance(loader,
                    new Class<?>[] {ServiceReference.class}, (p, m, a) -> {
                        throw new UnsupportedOperationException(m.getName());
                    });
            BundleContext system = (BundleContext) Proxy.newProxyInstance(loader, new Class<?>[] {BundleContext.class},
                    (p, m, a) -> switch (m.getName()) {
                        case "getServiceReferences" -> {
                            assertEquals(Callable.class.getName(), a[0]);
                            assertEquals("(" + ExitCode.OWNER + "=true)", a[1]);
                            yield registered.isEmpty() ? null : new ServiceReference<?>[] {ref};
                        }
                        case "addBundleListener" -> {
                            listeners.add((BundleListener) a[0]);
                            yield null;
                        }
                        case "registerService" -> {
                            registered.add(a[1]);
                            properties.add((Dictionary<?, ?>) a[2]);
                            yield null;
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
            Object[] self = new Object[1];
            framework = (Framework) Proxy.newProxyInstance(loader, new Class<?>[] {Framework.class},
                    (p, m, a) -> switch (m.getName()) {
                        case "getBundleContext" -> system;
                        case "waitForStop" -> new FrameworkEvent(FrameworkEvent.WAIT_TIMEDOUT, (Bundle) self[0], null);
                        case "getBundleId" -> 0L;
                        case "hashCode" -> 0;
                        case "equals" -> p == a[0];
                        case "toString" -> "framework";
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
            self[0] = framework;
        }
    }
}
