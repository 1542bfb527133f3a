package goflow.impl.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * Marks a stress or soak test: many threads, long randomized races or a real clock over a second or
 * more, looking for faults that show once in many runs. The default build runs them; they can be
 * run alone with {@code mvn -B -ntp verify -pl goflow.impl -am -Dgroups=stress} (and left out with
 * {@code -DexcludedGroups=stress}).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("stress")
public @interface Stress {
}
