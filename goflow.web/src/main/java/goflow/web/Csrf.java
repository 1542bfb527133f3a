package goflow.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Protection of the dashboard's POST requests against cross-site requests: the request must come
 * from the page's own origin ({@code Origin} equal to the address the request was sent to, and
 * {@code Sec-Fetch-Site}, when the browser sends it, {@code same-origin}) and carry the token of
 * its session ({@code X-GoFlow-Token}), which only a page of this origin can read.
 *
 * <p>Stateless and thread-safe.
 */
final class Csrf {
    /** The request header carrying the session's token. */
    static final String HEADER = "X-GoFlow-Token";
    /** The session attribute holding the token. */
    static final String ATTRIBUTE = "goflow.web.token";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Csrf() {
    }

    /** A new random token: 32 bytes, URL-safe Base64. */
    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Checks a state-changing request.
     *
     * @param scheme the request's scheme ({@code http})
     * @param host the request's {@code Host} header
     * @param origin its {@code Origin} header, or null
     * @param fetchSite its {@code Sec-Fetch-Site} header, or null
     * @param sessionToken the token of its session, or null when it has none
     * @param token its {@link #HEADER} header, or null
     * @return null when the request may proceed, else why it may not
     */
    static String refusal(String scheme, String host, String origin, String fetchSite, String sessionToken,
            String token) {
        if (fetchSite != null && !fetchSite.equals("same-origin")) {
            return "cross-site request refused (Sec-Fetch-Site: " + fetchSite + ")";
        }
        if (origin == null) {
            return "request without an Origin header refused (send it from the dashboard page)";
        }
        if (host == null || !sameOrigin(origin, scheme + "://" + host)) {
            return "cross-origin request refused (Origin " + origin + " is not " + scheme + "://" + host + ")";
        }
        if (sessionToken == null || token == null || !MessageDigest.isEqual(sessionToken.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8))) {
            return "missing or wrong " + HEADER + " (reload the dashboard page)";
        }
        return null;
    }

    private static boolean sameOrigin(String a, String b) {
        try {
            URI x = new URI(a);
            URI y = new URI(b);
            return x.getScheme() != null && x.getScheme().equalsIgnoreCase(y.getScheme()) && x.getHost() != null
                    && x.getHost().equalsIgnoreCase(y.getHost()) && port(x) == port(y)
                    && (x.getPath() == null || x.getPath().isEmpty());
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static int port(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}
