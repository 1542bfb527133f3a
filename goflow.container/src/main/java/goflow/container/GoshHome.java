package goflow.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A Gogo home for non-interactive scripts. Gogo's built-in profile needs a terminal ("reader is
 * null" without one), so when the shell is asked to run a script ({@code gosh.args} containing
 * {@code --nointeractive}) and no {@code gosh.home} is given, this makes a temporary one with a
 * minimal {@code etc/gosh_profile} and points the {@code gosh.home} system property at it (the
 * shell reads it when it starts, after this bundle).
 *
 * <p>Not thread-safe; used by the activator only.
 */
final class GoshHome {
    static final String ARGS = "gosh.args";
    static final String HOME = "gosh.home";
    static final String PROFILE = "# goflow: profile for non-interactive scripts (no terminal)\n"
            + "prompt = 'g! '\n";

    private GoshHome() {
    }

    /** Writes the profile: {@link Files#writeString}, or a stand-in in tests. */
    @FunctionalInterface
    interface ProfileWriter {
        /**
         * Writes {@code text} to {@code profile}.
         *
         * @param profile the file
         * @param text its text
         * @throws IOException if it cannot be written
         */
        void write(Path profile, String text) throws IOException;
    }

    /**
     * Makes the temporary home when a script is to run without a terminal and none is set.
     *
     * @param goshArgs the shell's arguments, or null
     * @param goshHome the configured home, or null
     * @return the temporary home, or null when none was needed
     * @throws IOException if it cannot be written (then no temporary folder is left)
     */
    static Path prepare(String goshArgs, String goshHome) throws IOException {
        return prepare(goshArgs, goshHome, (profile, text) -> Files.writeString(profile, text));
    }

    /**
     * Makes the temporary home when a script is to run without a terminal and none is set,
     * writing the profile with {@code writer}; if that fails, the home is deleted.
     *
     * @param goshArgs the shell's arguments, or null
     * @param goshHome the configured home, or null
     * @param writer writes the profile
     * @return the temporary home, or null when none was needed
     * @throws IOException if it cannot be written (then no temporary folder is left)
     */
    static Path prepare(String goshArgs, String goshHome, ProfileWriter writer) throws IOException {
        if (!hasOption(goshArgs, "--nointeractive") || goshHome != null) {
            return null;
        }
        Path home = Files.createTempDirectory("goflow-gosh");
        try {
            Files.createDirectories(home.resolve("etc"));
            writer.write(home.resolve("etc").resolve("gosh_profile"), PROFILE);
            return home;
        } catch (IOException | RuntimeException | Error e) {
            try {
                delete(home);
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Whether the shell's arguments hold one of the given options, as a word of their own.
     *
     * @param goshArgs the {@code gosh.args} property, or null
     * @param options the spellings of the option, e.g. {@code "-s", "--noshutdown"}
     * @return true if one of them is among the arguments
     */
    static boolean hasOption(String goshArgs, String... options) {
        if (goshArgs == null) {
            return false;
        }
        for (String token : goshArgs.trim().split("\\s+")) {
            for (String option : options) {
                if (token.equals(option)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Deletes a temporary home; one already gone (a cleaned {@code /tmp}) is not an error.
     *
     * @param home the home, or null
     * @throws IOException if deleting fails
     */
    static void delete(Path home) throws IOException {
        if (home == null || !Files.exists(home, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(home)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
