/**
 * Test support for code that uses goflow: {@link goflow.api.testing.ManualClock}, a
 * {@link goflow.api.Clock} whose time moves only when a test advances it, so rate limiters,
 * deadlines, timeouts and schedules can be tested deterministically.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * RateLimiter limiter = goflow.tokenBucket().rate(10).burst(1).clock(clock).build();
 * limiter.allow();                          // true: the bucket starts full
 * clock.advance(Duration.ofMillis(100));    // one token more
 * }</pre>
 *
 * <p>Nothing in this package is used by goflow in production; it is exported so that tests of
 * applications and plugins can use it as goflow's own tests do.
 */
@Export
@Version("0.1.0")
package goflow.api.testing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
