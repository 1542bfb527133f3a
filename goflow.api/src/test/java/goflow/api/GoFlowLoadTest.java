package goflow.api;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GoFlowLoadTest {

    @Test
    void loadWithoutTheImplementationNamesTheMissingModule() {
        // goflow.api's own tests run without goflow.impl on the class path.
        GoFlowException e = assertThrows(GoFlowException.class, GoFlow::load);
        assertTrue(e.getMessage().contains("goflow.impl"), e.getMessage());
        assertTrue(e.getMessage().contains("dev.goflow:goflow.impl"), e.getMessage());
    }

    @Test
    void invalidConfigExceptionFormatsFieldValueRuleAndHint() {
        InvalidConfigException e = new InvalidConfigException("token-bucket", "burst", 0, "must be positive",
                "burst is the number of tokens that can be taken at once");
        org.junit.jupiter.api.Assertions.assertEquals("token-bucket: invalid burst=0 (must be positive) - burst is"
                + " the number of tokens that can be taken at once", e.getMessage());
        InvalidConfigException quoted = new InvalidConfigException("pool", "name", "a b", "no spaces", "");
        org.junit.jupiter.api.Assertions.assertEquals("pool: invalid name=\"a b\" (no spaces)", quoted.getMessage());
    }
}
