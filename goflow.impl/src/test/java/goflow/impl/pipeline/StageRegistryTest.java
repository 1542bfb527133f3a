package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Registration;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineBuilder;
import goflow.api.pipeline.Stage;
import goflow.api.pipeline.StageNotFoundException;
import goflow.api.pipeline.StageRegistry;
import goflow.impl.GoFlowImpl;

class StageRegistryTest {

    @AfterEach
    void testThreadIsNotLeftInterrupted() {
        assertFalse(Thread.interrupted(), "the test thread was left interrupted");
    }
    private final GoFlow goflow = new GoFlowImpl();

    @AfterEach
    void close() {
        goflow.close();
    }

    @Test
    void pipelinesAreComposedFromRegisteredStagesByName() {
        StageRegistry stages = goflow.stages();
        stages.register(Stage.of("trim", (String s) -> s.trim()));
        stages.register(Stage.of("upper", (String s) -> s.toUpperCase()));
        assertEquals(Set.of("trim", "upper"), stages.names());

        Pipeline<Object, Object> p = goflow.pipeline("named").stages("trim", "upper").build();

        assertEquals(List.of("trim", "upper"), p.stageNames());
        assertEquals("ABC", p.execute(" abc ").output());
    }

    @Test
    void aMissingStageIsAClearErrorNamingIt() {
        goflow.stages().register(Stage.of("trim", (String s) -> s.trim()));
        StageNotFoundException e = assertThrows(StageNotFoundException.class,
                () -> goflow.pipeline("cfg").stages("trim", "enrich", "store"));
        assertEquals("enrich", e.stageName());
        assertEquals("stage", e.field());
        assertEquals("pipeline 'cfg': invalid stage=\"enrich\" (no stage is registered under this name) - register a"
                + " Stage under that name (in OSGi: a Stage service with goflow.stage.name=enrich); registered"
                + " stages: [trim]", e.getMessage());
        assertTrue(goflow.registry().primitives().isEmpty());

        StageNotFoundException direct = assertThrows(StageNotFoundException.class, () -> goflow.stages().get("x"));
        assertEquals("x", direct.stageName());
        goflow.api.InvalidConfigException none = assertThrows(goflow.api.InvalidConfigException.class,
                () -> goflow.stages().get(null));
        assertEquals("name", none.field());
        assertEquals(java.util.Optional.empty(), goflow.stages().find(null));
    }

    @Test
    void namedAndTypedStagesMix() {
        goflow.stages().register(Stage.of("double", (Integer i) -> i * 2));
        Pipeline<String, Object> p = goflow.pipeline("mixed").input(String.class).stage("parse", Integer::valueOf).stages("double")
                .build();
        assertEquals(42, p.execute("21").output());
    }

    @Test
    void registrationIsUniqueAndRemovable() {
        Stage<String, String> a = Stage.of("a", (String s) -> s);
        Registration reg = goflow.stages().register(a);
        InvalidConfigException dup = assertThrows(InvalidConfigException.class,
                () -> goflow.stages().register(Stage.of("a", (String s) -> s)));
        assertTrue(dup.getMessage().contains("is already registered"), dup.getMessage());
        assertSame(a, goflow.stages().get("a"));
        Pipeline<Object, Object> built = goflow.pipeline("keeps").stages("a").build();
        reg.close();
        reg.close();
        assertTrue(goflow.stages().find("a").isEmpty());
        assertEquals("x", built.execute("x").output(), "built pipelines keep their stages");
        assertThrows(InvalidConfigException.class, () -> goflow.stages().register(Stage.of("bad name", x -> x)));
    }

    @Test
    void aRegistrationClosedAgainDoesNotRemoveALaterRegistrationOfTheSameStage() {
        Stage<String, String> a = Stage.of("a", (String s) -> s);
        Registration first = goflow.stages().register(a);
        first.close();
        Registration second = goflow.stages().register(a); // the same stage, registered again
        first.close(); // idempotent: the first registration is gone already

        assertSame(a, goflow.stages().find("a").orElse(null), "the second registration was removed by the first");
        second.close();
        assertTrue(goflow.stages().find("a").isEmpty());
    }

    @Test
    void aNullNameAmongTheStageNamesIsRefusedNamingTheField() {
        goflow.stages().register(Stage.of("trim", (String s) -> s.trim()));
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> goflow.pipeline("nulls").stages("trim", null));
        assertEquals("stage name", e.field());
        InvalidConfigException later = assertThrows(InvalidConfigException.class,
                () -> goflow.pipeline("nulls2").stage("first", (String s) -> s).stages("trim", null));
        assertEquals("stage name", later.field());
        assertTrue(goflow.registry().primitives().isEmpty());
    }

    @Test
    void anotherRegistryCanBeGiven() {
        StageRegistryImpl other = new StageRegistryImpl();
        other.register(Stage.of("id", (Object o) -> o));
        Pipeline<Object, Object> p = goflow.pipeline().stages(other, List.of("id")).build();
        assertEquals("x", p.execute("x").output());
        assertThrows(StageNotFoundException.class, () -> goflow.pipeline().stages("id"));
    }

    @Test
    void aReferenceFollowsTheRegistryAtRunTime() {
        Pipeline<String, Object> p = goflow.pipeline("late").stage("trim", String::trim)
                .stage(goflow.stages().reference("enrich")).build();
        assertEquals(List.of("trim", "enrich"), p.stageNames());

        var missing = p.execute("x");
        StageNotFoundException e = (StageNotFoundException) missing.error();
        assertEquals("enrich", e.stageName());
        assertEquals("enrich", missing.failedStage().orElseThrow().stageName());

        Registration v1 = goflow.stages().register(Stage.of("enrich", (String s) -> s + "-v1"));
        assertEquals("a-v1", p.execute(" a ").output());
        v1.close();
        goflow.stages().register(Stage.of("enrich", (String s) -> s + "-v2"));
        assertEquals("a-v2", p.execute(" a ").output());
    }

    /** A registry's reference registered into it under its own name would recurse at every call. */
    @Test
    void aReferenceRegisteredIntoItsOwnRegistryIsRefused() {
        StageRegistry stages = goflow.stages();
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> stages.register(stages.reference("enrich")));
        assertEquals("stage", e.field());
        assertTrue(e.getMessage().contains("'enrich'") && e.getMessage().contains("call itself"), e.getMessage());
        assertFalse(stages.find("enrich").isPresent(), "nothing registered");
        // another registry's reference is a stage like any other here
        StageRegistryImpl other = new StageRegistryImpl();
        other.register(Stage.of("enrich", (String s) -> s + "!"));
        stages.register(other.reference("enrich")).close();
    }

    @Test
    void aRefusedListOfNamesAddsNoneOfItsStages() {
        goflow.stages().register(Stage.of("trim", (String s) -> s.trim()));
        goflow.stages().register(Stage.of("upper", (String s) -> s.toUpperCase()));
        PipelineBuilder<Object, Object> b = goflow.pipeline("dup").input(Object.class).stages("upper");

        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> b.stages("trim", "upper"));

        assertTrue(e.getMessage().contains("stage=\"upper\""), e.getMessage());
        assertEquals(List.of("upper"), b.build().stageNames(), "the refused call left part of its stages");
    }
}
