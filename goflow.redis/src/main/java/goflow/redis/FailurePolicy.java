package goflow.redis;

/**
 * What a Redis limiter decides when Redis cannot answer within the connection's timeout (down,
 * slow, refusing connections, answering with an error or with a reply that is not the script's).
 * Each decision taken by the policy is counted in {@link RedisLimiterStats#fallbacks()}.
 */
public enum FailurePolicy {
    /**
     * Admit every request: the service keeps working without a limit while Redis is away. For
     * limits that protect nobody's money or safety.
     */
    FAIL_OPEN,
    /**
     * Refuse every request ({@code allow} returns false; {@code await} keeps waiting, retrying Redis,
     * until its context ends): nothing is admitted that the fleet's limit did not grant.
     */
    FAIL_CLOSED,
    /**
     * Decide with a local bucket on this node that has a configured share of the rate and burst
     * ({@code localShare}, e.g. 1/N for N nodes): the fleet as a whole stays near its limit while
     * Redis is away. The local bucket runs on the limiter's clock.
     *
     * <p>An {@code await} the local bucket cannot serve fails at once, consuming nothing, as the
     * local token bucket's does: when the local rate ({@code rate * localShare}) is zero, or so
     * small that the missing tokens would take longer than {@link Long#MAX_VALUE} nanoseconds
     * (292 years) to come while the context has no deadline, with
     * {@link goflow.api.ratelimit.ZeroRateException} (never a deadline the context does not
     * have); when they would come after the context's deadline, with
     * {@link goflow.api.context.DeadlineExceededException}. A {@code reserve} whose wait would
     * exceed {@link Long#MAX_VALUE} nanoseconds is not {@link goflow.api.ratelimit.Reservation#ok()
     * ok}.
     */
    LOCAL
}
