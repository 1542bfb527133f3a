package goflow.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import goflow.api.InvalidConfigException;

/**
 * Protection of the dashboard's POST requests against cross-site requests: the request must come
 * from the page's own origin ({@code Origin} equal to the address the request was sent to, or,
 * when {@value #ORIGINS} is configured, to one of the origins it lists; and {@code Sec-Fetch-Site},
 * when the browser sends it, {@code same-origin}) and carry the token of
 * its browser ({@code X-GoFlow-Token}), which only a page of this origin can read.
 *
 * <p>The token needs no server state (no HTTP session, which every poll of a scraper or a client
 * without cookies would create and the server keep until it times out): it is a signed
 * double-submit cookie. {@code GET /goflow/api/state} gives a browser without a valid cookie
 * {@value #COOKIE}, 32 random bytes ({@code HttpOnly}, {@code SameSite=Strict}, for the browser
 * session), and hands the page the token {@link #token HMAC-SHA256(key, cookie)} in its JSON,
 * which another origin cannot read; a change must send the token back in {@link #HEADER} with the
 * cookie. The key is random per servlet instance, so a cookie set by a sibling site (cookies do
 * not isolate ports or subdomains) gives the attacker no usable token; after a restart of the
 * servlet the page gets the new token with its next poll.
 *
 * <p>Without {@value #ORIGINS} a change must also be addressed to an IP address or {@code localhost}:
 * a page of another site could make its own name resolve to this server (DNS rebinding) and would
 * then be the page's origin in the browser's eyes. A dashboard reached by a name lists it there.
 *
 * <p>Behind a TLS-terminating reverse proxy the request reaches the servlet as {@code http} while
 * the browser's {@code Origin} is {@code https}: {@value #ORIGINS} names the origins the page is
 * served from. {@code X-Forwarded-*} and {@code Forwarded} headers are never trusted for this: any
 * client can send them.
 *
 * <p>Stateless and thread-safe.
 */
final class Csrf {
    /** The request header carrying the token. */
    static final String HEADER = "X-GoFlow-Token";
    /** The cookie the token is derived from. */
    static final String COOKIE = "goflow-csrf";
    /** The property listing the origins allowed to send changes ({@link WebConfig#controls_origins}). */
    static final String ORIGINS = "controls.origins";
    /** The rule every origin of {@value #ORIGINS} must follow. */
    static final String ORIGIN_RULE = "must be an origin: http:// or https://, a host and an optional port, nothing"
            + " after it";
    private static final String HMAC = "HmacSHA256";
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Csrf() {
    }

    /** A new random cookie value or key: 32 bytes, URL-safe Base64. */
    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether a cookie value is one {@link #newToken} makes (anything else is ignored). */
    static boolean wellFormed(String cookie) {
        return cookie != null && VALUE.matcher(cookie).matches();
    }

    /**
     * The token of a cookie: HMAC-SHA256 of its value under the key, URL-safe Base64.
     *
     * @param key the servlet's key ({@link #newToken})
     * @param cookie a well-formed cookie value
     * @return the token the page must send back
     */
    static String token(String key, String cookie) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.US_ASCII), HMAC));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(cookie.getBytes(
                    StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) { // every Java SE platform has HmacSHA256
            throw new IllegalStateException(e);
        }
    }

    /**
     * The origins of {@value #ORIGINS} as configured: each element may list several, separated by
     * commas; one that breaks {@link #ORIGIN_RULE} is logged at ERROR (property, value, rule) and
     * left out ({@link ConfigDefaults#rejected}). Empty when none is configured or none is left: the
     * address each request was sent to is then the only origin allowed.
     *
     * @param configured the property's elements, or null
     * @return the well-formed origins, as configured
     */
    static List<String> origins(String[] configured) {
        List<String> good = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String element : configured == null ? new String[0] : configured) {
            for (String o : String.valueOf(element).split(",")) {
                String origin = o.trim();
                if (!origin.isEmpty()) {
                    (wellFormedOrigin(origin) ? good : bad).add(origin);
                }
            }
        }
        for (int i = 0; i < bad.size(); i++) {
            ConfigDefaults.rejected(WebConfig.PID, new InvalidConfigException(WebConfig.PID, ORIGINS, bad.get(i),
                    ORIGIN_RULE, "e.g. https://dash.example.com"), good.isEmpty() && i == bad.size() - 1
                    ? "it is left out, and no origin is left: changes are accepted from the address each request was"
                    + " sent to" : "it is left out");
        }
        return List.copyOf(good);
    }

    private static boolean wellFormedOrigin(String origin) {
        try {
            URI u = new URI(origin);
            return u.getScheme() != null && (u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase(
                    "https")) && u.getHost() != null && u.getRawUserInfo() == null && u.getRawPath() != null
                    && u.getRawPath().isEmpty() && u.getRawQuery() == null && u.getRawFragment() == null
                    && u.getPort() <= 65535 && u.getPort() != 0;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * Checks a state-changing request.
     *
     * @param scheme the request's scheme ({@code http})
     * @param host the request's {@code Host} header
     * @param origins the origins allowed ({@link #origins}); empty: {@code scheme://host} only
     * @param origin its {@code Origin} header, or null
     * @param fetchSite its {@code Sec-Fetch-Site} header, or null
     * @param expected the token of its cookie ({@link #token}), or null when it has no well-formed one
     * @param token its {@link #HEADER} header, or null
     * @return null when the request may proceed, else why it may not
     */
    static String refusal(String scheme, String host, List<String> origins, String origin, String fetchSite,
            String expected, String token) {
        if (fetchSite != null && !fetchSite.equals("same-origin")) {
            return "cross-site request refused (Sec-Fetch-Site: " + fetchSite + ")";
        }
        if (origin == null) {
            return "request without an Origin header refused (send it from the dashboard page)";
        }
        if (!origins.isEmpty()) {
            if (origins.stream().noneMatch(allowed -> sameOrigin(origin, allowed))) {
                return "cross-origin request refused (Origin " + origin + " is not one of " + ORIGINS + " "
                        + origins + ")";
            }
        } else if (host == null || !sameOrigin(origin, scheme + "://" + host)) {
            return "cross-origin request refused (Origin " + origin + " is not " + scheme + "://" + host + ")";
        } else if (!addressedByNumber(scheme + "://" + host)) {
            return "change sent to the host name in " + scheme + "://" + host + " refused: without " + ORIGINS
                    + " only an address (127.0.0.1, [::1]) or localhost is trusted, since a page of any site can"
                    + " rebind its own name to this address; list the dashboard's origin in " + ORIGINS;
        }
        if (expected == null || token == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8))) {
            return "missing or wrong " + HEADER + " (reload the dashboard page)";
        }
        return null;
    }

    /**
     * Whether the request was addressed to an IP address or {@code localhost}, names no other site can
     * point at this server. A name of its own could be: a page of {@code evil.example} that makes its
     * name resolve to this server's address (DNS rebinding) is then same-origin with the dashboard in
     * the browser's eyes, reads the token from the state and sends changes with {@code Origin} equal
     * to {@code Host}. So without {@value #ORIGINS} a change is accepted only at such an address.
     */
    private static boolean addressedByNumber(String address) {
        try {
            String h = new URI(address).getHost();
            return h != null && (h.equalsIgnoreCase("localhost") || h.startsWith("[") || IPV4.matcher(h).matches());
        } catch (URISyntaxException e) {
            return false;
        }
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
