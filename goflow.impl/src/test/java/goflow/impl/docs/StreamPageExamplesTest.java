package goflow.impl.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Registration;
import goflow.api.channel.BackpressureChannel;
import goflow.api.context.Context;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.stream.SourceStats;
import goflow.api.stream.Stream;
import goflow.api.stream.StreamClosedException;
import goflow.api.stream.StreamSource;
import goflow.impl.testing.NoThreadLeaks;

/**
 * The code examples and concrete claims of docs/stream.md outside "Functions that block or throw"
 * (which {@code goflow.impl.stream.StreamDocExamplesTest} runs), compiled and run. Keep the bodies
 * in step with the page.
 */
class StreamPageExamplesTest extends NoThreadLeaks.LeakCheckedTest {

    record User(String name, boolean active) {
    }

    record Order(String country, int amount) {
    }

    @Test
    void theFirstExampleAndTheOperations() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            Context ctx = Context.background();
            List<User> users = List.of(new User("c", true), new User("a", true), new User("b", false));
            List<String> names = goflow.stream(users)
                    .filter(User::active)
                    .map(User::name)
                    .sorted()
                    .limit(10)
                    .toList(ctx);
            assertEquals(List.of("a", "c"), names);
            assertThrows(UnsupportedOperationException.class, () -> names.add("x"));   // unmodifiable

            List<Order> orders = List.of(new Order("DE", 1), new Order("FR", 2), new Order("DE", 3));
            Map<String, Long> perCountry = goflow.stream(orders)
                    .collect(ctx, Collectors.groupingBy(Order::country, Collectors.counting()));
            assertEquals(Map.of("DE", 2L, "FR", 1L), perCountry);

            Optional<Integer> total = goflow.stream(List.of(1, 2, 3)).reduce(ctx, Integer::sum);
            assertEquals(Optional.of(6), total);

            BackpressureChannel<Integer> events = goflow.<Integer>channel().capacity(1_000).build();
            for (int i = 0; i < 350; i++) {
                events.send(ctx, i);
            }
            List<List<Integer>> pages = goflow.streams().fromChannel(events).batch(100).limit(3).toList(ctx);
            assertEquals(3, pages.size());
            assertEquals(100, pages.get(2).size());
            assertEquals(50, events.size());                       // no read-ahead

            // "Of equal minimum (or maximum) elements, the first wins."
            Integer a = 1000;
            Integer b = Integer.valueOf(1000);
            Comparator<Integer> cmp = Comparator.naturalOrder();
            assertSame(a, goflow.stream(List.of(a, b)).min(ctx, cmp).orElseThrow());
            assertSame(a, goflow.stream(List.of(a, b)).max(ctx, cmp).orElseThrow());

            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> goflow.stream(List.of(1)).limit(-1));
            assertEquals("stream: invalid limit=-1 (must not be negative) - the most elements to pass on",
                    e.getMessage());
        }
    }

    @Test
    void nothingIsReadAhead() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            Context ctx = Context.background();
            AtomicInteger calls = new AtomicInteger();
            List<Integer> logged = new ArrayList<>();
            goflow.streams().generate(calls::incrementAndGet)
                    .peek(logged::add)
                    .limit(5)
                    .toList(ctx);
            assertEquals(5, calls.get());
            assertEquals(5, logged.size());

            AtomicInteger none = new AtomicInteger();
            goflow.streams().generate(none::incrementAndGet).limit(0).toList(ctx);
            assertEquals(0, none.get());                          // limit(0) pulls nothing
        }
    }

    @Test
    void singleUse() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            Context ctx = Context.background();
            Stream<Integer> s = goflow.stream(List.of(1, 2, 3));
            s.count(ctx);
            StreamClosedException e = assertThrows(StreamClosedException.class, () -> s.toList(ctx));
            assertTrue(e.getMessage().matches("stream 'stream-\\d+' was already used by count\\(\\): cannot apply "
                    + "toList\\(\\); a stream is single use, apply one operation to each stream object and create a "
                    + "new stream for each terminal operation"), e.getMessage());
        }
    }

    @Test
    void throttleAndWindow() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            Context ctx = Context.background();
            RateLimiter api = goflow.tokenBucket().rate(50).burst(10).build();
            List<Integer> sent = new ArrayList<>();
            goflow.stream(List.of(1, 2, 3)).throttle(api).forEach(ctx, sent::add);
            assertEquals(List.of(1, 2, 3), sent);
            assertTrue(goflow.registry().find(api.name()).isPresent());   // never closed by the stream

            BackpressureChannel<Integer> metrics = goflow.<Integer>channel().build();
            metrics.send(ctx, 1);
            metrics.send(ctx, 2);
            metrics.close();
            List<List<Integer>> batches = new ArrayList<>();
            goflow.streams().fromChannel(metrics)
                    .window(Duration.ofSeconds(10), 10_000)
                    .forEach(ctx, batches::add);
            assertEquals(List.of(List.of(1, 2)), batches);        // the rest passed on at once at the end
        }
    }

    @Test
    void streamSourcesAndTheirStatistics(@TempDir Path dir) throws Exception {
        Path path = Files.writeString(dir.resolve("access.log"), "GET / 200\nGET /x 500 \nGET /y 500 \n");
        try (GoFlow goflow = GoFlow.load()) {
            Context ctx = Context.background();
            StreamSource<String> lines = c -> {
                BufferedReader reader = Files.newBufferedReader(path);
                return new StreamSource.Cursor<>() {
                    @Override
                    public boolean tryAdvance(Context cc, Consumer<? super String> action) throws IOException {
                        String line = reader.readLine();
                        if (line == null) {
                            return false;
                        }
                        action.accept(line);
                        return true;
                    }

                    @Override
                    public void close() throws IOException {
                        reader.close();
                    }
                };
            };

            Registration reg = goflow.streamSources().register("access-log", lines);
            long errors = goflow.streams().named("access-log", String.class)
                    .filter(l -> l.contains(" 500 "))
                    .count(ctx);
            assertEquals(2, errors);

            SourceStats s = goflow.streamSources().stats("access-log").orElseThrow();
            assertEquals(1, s.opened());
            assertEquals(0, s.open());
            assertEquals(3, s.elements());
            assertEquals(0, s.failures());
            assertEquals(s.opened(), s.open() + s.closed());
            Map<String, SourceStats> all = goflow.streamSources().stats();
            assertEquals(List.of("access-log"), List.copyOf(all.keySet()));

            reg.close();
            SourceStats after = goflow.streamSources().stats("access-log").orElseThrow();
            assertEquals(false, after.bound());                  // the figures stay with the name
            assertEquals(3, after.elements());
            assertEquals(Optional.empty(), goflow.streamSources().stats("never"));
        }
    }
}
