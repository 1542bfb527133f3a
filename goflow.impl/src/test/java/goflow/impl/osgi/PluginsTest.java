package goflow.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import goflow.api.Clock;
import goflow.api.Registration;
import goflow.api.context.Context;
import goflow.api.stream.SourceStats;
import goflow.api.pipeline.Stage;
import goflow.api.function.ThrowingFunction;
import goflow.api.stream.StreamSource;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.LogCapture;

class PluginsTest {
    @RegisterExtension
    final LogCapture log = new LogCapture(Plugins.class.getName());

    private static Stage<String, String> stage(String name, String suffix) {
        return Stage.of(name, (ThrowingFunction<String, String>) s -> s + suffix);
    }

    private static Map<String, Object> named(String key, String name) {
        return Map.of(key, name);
    }

    @SuppressWarnings("unchecked")
    private static String run(GoFlowImpl goflow, String stage, String input) throws Exception {
        return ((Stage<String, String>) goflow.stages().get(stage)).process(null, input);
    }

    @Test
    void stagesAreBoundIntoEveryAttachedGoFlowAsTheyComeAndGo() throws Exception {
        Plugins plugins = new Plugins();
        Stage<String, String> first = stage("exclaim", "!");
        plugins.bindStage(first, named(Stage.NAME_PROPERTY, "exclaim"));
        try (GoFlowImpl a = new GoFlowImpl(Clock.system(), "a"); GoFlowImpl b = new GoFlowImpl(Clock.system(), "b")) {
            Registration ra = plugins.attach(a.stages(), a.streamSources());
            plugins.attach(b.stages(), b.streamSources());
            assertEquals("hi!", run(a, "exclaim", "hi"));
            assertEquals("hi!", run(b, "exclaim", "hi"));

            Stage<String, String> second = stage("other-name", "?");
            plugins.bindStage(second, named(Stage.NAME_PROPERTY, "exclaim"));
            assertEquals("hi!", run(a, "exclaim", "hi"), "the first bound serves");
            plugins.unbindStage(first, named(Stage.NAME_PROPERTY, "exclaim"));
            assertEquals("hi?", run(a, "exclaim", "hi"), "then the next, under the property's name");

            ra.close();
            assertTrue(a.stages().find("exclaim").isEmpty(), "detached: registrations removed");
            assertEquals("hi?", run(b, "exclaim", "hi"));
            plugins.unbindStage(second, named(Stage.NAME_PROPERTY, "exclaim"));
            assertTrue(b.stages().find("exclaim").isEmpty());
            assertEquals(List.of(), plugins.stageNames());
        }
    }

    @Test
    void theNextStageOfTheSameNameTakesOverWithNoMomentWithoutAStage() throws Exception {
        Plugins plugins = new Plugins();
        try (GoFlowImpl a = new GoFlowImpl(Clock.system(), "a")) {
            plugins.attach(a.stages(), a.streamSources());
            Stage<String, String> first = stage("exclaim", "!");
            plugins.bindStage(first, named(Stage.NAME_PROPERTY, "exclaim"));
            // a pipeline's late-bound reference that looked the name up while the next stage
            // takes over would fail with a StageNotFoundException: probe the registry meanwhile
            List<Boolean> registeredDuringTakeOver = new ArrayList<>();
            Stage<String, String> second = new Stage<>() {
                @Override
                public String name() {
                    registeredDuringTakeOver.add(a.stages().find("exclaim").isPresent());
                    return "exclaim";
                }

                @Override
                public String process(Context ctx, String input) {
                    return input + "?";
                }
            };
            plugins.bindStage(second, named(Stage.NAME_PROPERTY, "exclaim"));

            plugins.unbindStage(first, named(Stage.NAME_PROPERTY, "exclaim"));

            assertEquals("hi?", run(a, "exclaim", "hi"));
            assertFalse(registeredDuringTakeOver.isEmpty());
            assertFalse(registeredDuringTakeOver.contains(false),
                    "the name was not registered while the next stage took over: " + registeredDuringTakeOver);
            // a next one whose name() fails does not take over, and the one that went away is gone
            Stage<String, String> broken = new Stage<>() {
                @Override
                public String name() {
                    throw new IllegalStateException("refreshing");
                }

                @Override
                public String process(Context ctx, String input) {
                    return input;
                }
            };
            plugins.bindStage(broken, named(Stage.NAME_PROPERTY, "exclaim"));
            plugins.unbindStage(second, named(Stage.NAME_PROPERTY, "exclaim"));
            assertTrue(a.stages().find("exclaim").isEmpty(), "the stage that went away still serves");
            assertEquals(1, log.lines().size(), log.lines().toString());
            assertTrue(log.lines().get(0).contains("its name() failed"), log.lines().get(0));
        }
    }

    @Test
    void sourcesAreBoundToo() {
        Plugins plugins = new Plugins();
        StreamSource<Integer> source = ctx -> (c, action) -> false;
        try (GoFlowImpl a = new GoFlowImpl(Clock.system(), "a")) {
            plugins.attach(a.stages(), a.streamSources());
            plugins.bindSource(source, named(StreamSource.NAME_PROPERTY, "empty"));
            assertEquals(Set.of("empty"), new TreeSet<>(a.streamSources().names()));
            plugins.unbindSource(source, named(StreamSource.NAME_PROPERTY, "empty"));
            assertTrue(a.streamSources().names().isEmpty());
        }
    }

    private static StreamSource<Integer> upTo(int n) {
        return ctx -> new StreamSource.Cursor<>() {
            private int next = 1;

            @Override
            public boolean tryAdvance(Context c, java.util.function.Consumer<? super Integer> action) {
                if (next > n) {
                    return false;
                }
                action.accept(next++);
                return true;
            }
        };
    }

    private static SourceStats stats(GoFlowImpl goflow, String name) {
        return goflow.streamSources().stats(name).orElseThrow();
    }

    @Test
    void sourceStatisticsAreSharedByEveryGoFlowAndSurviveAnUpdateOfThePlugin() throws Exception {
        Plugins plugins = new Plugins();
        Map<String, Object> props = named(StreamSource.NAME_PROPERTY, "numbers");
        StreamSource<Integer> v1 = upTo(3);
        plugins.bindSource(v1, props);
        try (GoFlowImpl a = new GoFlowImpl(Clock.system(), "a"); GoFlowImpl b = new GoFlowImpl(Clock.system(), "b")) {
            plugins.attach(a.stages(), a.streamSources());
            Registration rb = plugins.attach(b.stages(), b.streamSources());
            a.streams().named("numbers", Integer.class).toList(Context.background());
            b.streams().named("numbers", Integer.class).toList(Context.background());
            assertEquals(stats(a, "numbers"), stats(b, "numbers"), "one figure per name in the framework");
            assertEquals(2, stats(a, "numbers").opened());
            assertEquals(6, stats(a, "numbers").elements());

            // the plugin is updated: its service goes, a new one of the same name comes
            plugins.unbindSource(v1, props);
            assertFalse(stats(a, "numbers").bound());
            assertEquals(6, stats(a, "numbers").elements(), "kept while unbound");
            plugins.bindSource(upTo(2), props);
            assertTrue(stats(a, "numbers").bound());
            a.streams().named("numbers", Integer.class).toList(Context.background());
            assertEquals(3, stats(a, "numbers").opened());
            assertEquals(8, stats(b, "numbers").elements());
            assertEquals(0, stats(b, "numbers").open());

            // a GoFlow attached later sees the same figures
            rb.close();
            try (GoFlowImpl c = new GoFlowImpl(Clock.system(), "c")) {
                plugins.attach(c.stages(), c.streamSources());
                assertEquals(stats(a, "numbers"), stats(c, "numbers"));
            }
        }
    }

    @Test
    void aNameTakenInTheTargetIsSkippedNotFatal() throws Exception {
        Plugins plugins = new Plugins();
        try (GoFlowImpl a = new GoFlowImpl(Clock.system(), "a")) {
            a.stages().register(stage("mine", "-own"));
            plugins.attach(a.stages(), a.streamSources());
            plugins.bindStage(stage("mine", "-plugin"), named(Stage.NAME_PROPERTY, "mine"));
            assertEquals("x-own", run(a, "mine", "x"));
        }
    }

    /** A stage plugin whose name() fails, as one whose bundle is being refreshed does (NoClassDefFoundError). */
    private static Stage<String, String> brokenName(Throwable failure) {
        return new Stage<>() {
            @Override
            public String name() {
                if (failure instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) failure;
            }

            @Override
            public String process(Context ctx, String input) {
                return input;
            }
        };
    }

    @Test
    void aStagePluginWhoseNameThrowsIsSkippedAndNeitherAttachNorOtherPluginsFail() throws Exception {
        Plugins plugins = new Plugins();
        plugins.bindStage(brokenName(new IllegalStateException("boom")), named(Stage.NAME_PROPERTY, "bad"));
        try (GoFlowImpl a = new GoFlowImpl(Clock.system(), "a"); GoFlowImpl b = new GoFlowImpl(Clock.system(), "b")) {
            Registration ra = plugins.attach(a.stages(), a.streamSources()); // a consumer bundle gets its GoFlow
            plugins.bindStage(brokenName(new NoClassDefFoundError("gone/Stage")), named(Stage.NAME_PROPERTY, "worse"));
            plugins.bindStage(stage("good", "!"), named(Stage.NAME_PROPERTY, "good"));
            plugins.attach(b.stages(), b.streamSources());
            for (GoFlowImpl g : List.of(a, b)) {
                assertEquals(Set.of("good"), g.stages().names(), g.registry().owner());
                assertEquals("hi!", run(g, "good", "hi"));
            }
            assertEquals(4, log.lines().stream().filter(l -> l.startsWith("WARNING stage plugin '")
                    && (l.contains("'bad' not registered: its name() failed: java.lang.IllegalStateException: boom")
                    || l.contains("'worse' not registered: its name() failed: java.lang.NoClassDefFoundError"))).count(),
                    log.lines().toString());
            ra.close();
            assertTrue(a.stages().names().isEmpty());
        }
    }

    @Test
    void aNamePropertyOfOneElementArrayIsThatNameAndOfSeveralIsRefusedNotTurnedIntoArrayText() throws Exception {
        Plugins plugins = new Plugins();
        try (GoFlowImpl a = new GoFlowImpl(Clock.system(), "a")) {
            plugins.attach(a.stages(), a.streamSources());
            Map<String, Object> one = Map.of(Stage.NAME_PROPERTY, new String[] {"exclaim"});
            Map<String, Object> two = Map.of(Stage.NAME_PROPERTY, new String[] {"x", "y"});
            plugins.bindStage(stage("exclaim", "!"), one);
            plugins.bindStage(stage("other", "?"), two);
            assertEquals(Set.of("exclaim"), a.stages().names(), "not [Ljava.lang.String;@...");
            assertEquals(List.of("exclaim"), plugins.stageNames());
            assertEquals("hi!", run(a, "exclaim", "hi"));
            assertEquals(1, log.lines().stream().filter(l -> l.startsWith("WARNING stage plugin not bound: its "
                    + "goflow.stage.name must be one name, not [x, y]")).count(), log.lines().toString());
            plugins.unbindStage(stage("other", "?"), two);
            plugins.unbindStage(stage("unknown", "?"), one); // not the bound one: nothing changes
            assertEquals(Set.of("exclaim"), a.stages().names());

            StreamSource<Integer> source = ctx -> (c, action) -> false;
            plugins.bindSource(source, Map.of(StreamSource.NAME_PROPERTY, List.of("numbers")));
            assertEquals(Set.of("numbers"), new TreeSet<>(a.streamSources().names()));
            plugins.unbindSource(source, Map.of(StreamSource.NAME_PROPERTY, List.of("numbers")));
            assertTrue(a.streamSources().names().isEmpty());
        }
    }

    /**
     * A plugin service's name property changed after it was bound (ServiceRegistration.setProperties): DS calls
     * the updated method, and passes the new properties to unbind; the plugin is never left bound under its old
     * name, serving for a service that is gone.
     */
    @Test
    void aPluginWhoseNamePropertyChangesIsRenamedAndUnboundUnderTheNameItWasBoundUnder() throws Exception {
        Plugins plugins = new Plugins();
        try (GoFlowImpl a = new GoFlowImpl(Clock.system(), "a")) {
            plugins.attach(a.stages(), a.streamSources());
            Stage<String, String> exclaim = stage("exclaim", "!");
            Stage<String, String> waiting = stage("old", "?");
            plugins.bindStage(exclaim, named(Stage.NAME_PROPERTY, "old"));
            plugins.bindStage(waiting, named(Stage.NAME_PROPERTY, "old"));
            plugins.updatedStage(exclaim, named(Stage.NAME_PROPERTY, "new"));
            assertEquals(Set.of("old", "new"), a.stages().names());
            assertEquals("hi!", run(a, "new", "hi"));
            assertEquals("hi?", run(a, "old", "hi"), "the next one of the old name took over");
            plugins.unbindStage(exclaim, named(Stage.NAME_PROPERTY, "new"));
            plugins.unbindStage(waiting, named(Stage.NAME_PROPERTY, "old"));
            assertEquals(Set.of(), a.stages().names());
            assertEquals(List.of(), plugins.stageNames());

            // DS without an updated call (or one that was missed): unbind comes with the properties it has now
            Stage<String, String> renamed = stage("x", "!");
            plugins.bindStage(renamed, named(Stage.NAME_PROPERTY, "x"));
            plugins.unbindStage(renamed, named(Stage.NAME_PROPERTY, "y"));
            Stage<String, String> unnamed = stage("gone", "!");
            plugins.bindStage(unnamed, named(Stage.NAME_PROPERTY, "gone"));
            plugins.unbindStage(unnamed, Map.of()); // the name property was removed: no longer matches the target
            assertEquals(List.of(), plugins.stageNames(), "unbound under the name it was bound under");
            assertEquals(Set.of(), a.stages().names());

            StreamSource<Integer> source = ctx -> (c, action) -> false;
            plugins.bindSource(source, named(StreamSource.NAME_PROPERTY, "numbers"));
            plugins.updatedSource(source, named(StreamSource.NAME_PROPERTY, "digits"));
            assertEquals(Set.of("digits"), new TreeSet<>(a.streamSources().names()));
            plugins.updatedSource(source, named(StreamSource.NAME_PROPERTY, "digits")); // other properties changed
            assertEquals(Set.of("digits"), new TreeSet<>(a.streamSources().names()));
            plugins.unbindSource(source, Map.of()); // the name property was removed: no longer matches the target
            assertTrue(a.streamSources().names().isEmpty());
        }
    }
}
