package goflow.shell;

import java.io.PrintStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.felix.service.command.Descriptor;

/**
 * The usage of a goflow command, written from its {@link Descriptor} annotations: what
 * {@code goflow:<command> --help} (or {@code -h}) prints. Apache Karaf's {@code help goflow:stats}
 * runs {@code goflow:stats --help} and shows what it prints, so this is also the commands' help in
 * Karaf; Felix Gogo's own {@code help} reads the same annotations.
 *
 * <p>Every overload of the command is listed, but for those marked {@link HelpOnly} (the
 * one-argument overloads that exist only so that {@code --help} reaches a command taking no or two
 * arguments).
 *
 * <p>Stateless and thread-safe.
 */
final class Usage {
    private Usage() {
    }

    /**
     * Marks an overload that only answers {@code --help}: it is left out of the usage.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface HelpOnly {
    }

    /**
     * Whether the argument asks for the usage.
     *
     * @param arg a command's first argument
     * @return {@code true} for {@code --help} and {@code -h}
     */
    static boolean asked(String arg) {
        return "--help".equals(arg) || "-h".equals(arg);
    }

    /**
     * Prints the usage of {@code goflow:<function>} (the overloads of {@code function} in
     * {@code commands}).
     *
     * @param out where to print (the command's output: Gogo binds {@code System.out} to it)
     * @param commands the class of the command
     * @param function the command's name (the method's)
     */
    static void print(PrintStream out, Class<?> commands, String function) {
        out.print(of(commands, function));
        out.flush();
    }

    /**
     * The answer of a {@link HelpOnly} overload: the usage for {@code --help}, otherwise an error
     * that says how the command is called.
     *
     * @param arg the one argument given
     * @param commands the class of the command
     * @param function the command's name
     * @throws IllegalArgumentException if {@code arg} does not ask for the usage
     */
    static void helpOnly(String arg, Class<?> commands, String function) {
        if (!asked(arg)) {
            throw new IllegalArgumentException("goflow:" + function + " does not take one argument ('" + arg
                    + "'): " + String.join(" or ", syntaxes(commands, function)) + "; goflow:" + function
                    + " --help tells more");
        }
        print(System.out, commands, function);
    }

    /**
     * The usage text: for each overload its syntax, its description and one line per argument.
     *
     * @param commands the class of the command
     * @param function the command's name
     * @return the text, ending with a line break
     * @throws IllegalArgumentException if the class has no such described command
     */
    static String of(Class<?> commands, String function) {
        StringBuilder sb = new StringBuilder();
        for (Method m : overloads(commands, function)) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(syntax(m)).append('\n');
            sb.append("    ").append(m.getAnnotation(Descriptor.class).value()).append('\n');
            for (Parameter p : described(m)) {
                sb.append("    <").append(p.getName()).append(">  ")
                        .append(p.getAnnotation(Descriptor.class).value()).append('\n');
            }
        }
        sb.append("\n    goflow:").append(function).append(" --help (or -h) prints this\n");
        return sb.toString();
    }

    private static List<String> syntaxes(Class<?> commands, String function) {
        List<String> all = new ArrayList<>();
        overloads(commands, function).forEach(m -> all.add(syntax(m)));
        return all;
    }

    private static String syntax(Method m) {
        StringBuilder sb = new StringBuilder("goflow:").append(m.getName());
        for (Parameter p : described(m)) {
            sb.append(" <").append(p.getName()).append('>');
        }
        return sb.toString();
    }

    /** The parameters the user types (every parameter of a goflow command is described). */
    private static List<Parameter> described(Method m) {
        List<Parameter> typed = new ArrayList<>();
        for (Parameter p : m.getParameters()) {
            if (p.isAnnotationPresent(Descriptor.class)) {
                typed.add(p);
            }
        }
        return typed;
    }

    private static List<Method> overloads(Class<?> commands, String function) {
        List<Method> found = new ArrayList<>();
        for (Method m : commands.getMethods()) {
            if (m.getName().equals(function) && Modifier.isPublic(m.getModifiers())
                    && m.isAnnotationPresent(Descriptor.class) && !m.isAnnotationPresent(HelpOnly.class)) {
                found.add(m);
            }
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no described command '" + function + "' in " + commands.getName());
        }
        found.sort(Comparator.comparingInt(Method::getParameterCount));
        return found;
    }
}
