package goflowprobe;

import goflow.api.GoFlow;
import goflow.api.GoFlowException;

/**
 * Main class of the child JVM started by {@code goflow.impl.ModulePathIT}: loads GoFlow, prints
 * where the implementation came from and the statistics map of a limiter (derived from its record
 * components by goflow.api's private machinery, which must work on the module path too). It
 * lives outside the goflow.impl package, which the module path gives to the goflow.impl module.
 */
public final class ModulePathProbe {
    private ModulePathProbe() {
    }

    /**
     * Loads GoFlow and prints the outcome.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        try (GoFlow goflow = GoFlow.load()) {
            System.out.println("loaded " + goflow.getClass().getName() + " from module "
                    + goflow.getClass().getModule().getName());
            System.out.println("stats " + goflow.tokenBucket().name("probe").rate(5).burst(2).build().stats().toMap());
        } catch (GoFlowException e) {
            System.out.println("error: " + e.getMessage());
        }
    }
}
