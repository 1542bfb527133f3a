package goflow.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The dashboard, {@code /goflow/}: the page and its two assets (served from this bundle, no CDN,
 * linked relatively, so the page works under any context path; {@code /goflow} redirects to it),
 * {@code GET /goflow/api/state} (JSON, polled by the page every second), and, only when
 * {@code controls.enabled} is set in configuration {@value WebConfig#PID},
 * {@code POST /goflow/api/change} (form fields {@code name}, {@code field}, {@code value}) from the
 * page's own origin (or one of {@code controls.origins}) with the token of its cookie ({@link Csrf}). No request creates an HTTP session.
 *
 * <p>Thread-safe: the fields are final and thread-safe.
 */
@Component(service = Servlet.class, configurationPid = WebConfig.PID, property = {
    "osgi.http.whiteboard.servlet.pattern=/goflow",
    "osgi.http.whiteboard.servlet.pattern=/goflow/*",
    "osgi.http.whiteboard.servlet.name=goflow-dashboard"
})
public final class DashboardServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(DashboardServlet.class.getName());
    private static final Map<String, String> ASSETS = Map.of(
            "/", "text/html; charset=utf-8",
            "/app.js", "text/javascript; charset=utf-8",
            "/app.css", "text/css; charset=utf-8");

    /** The state the page polls (GET). */
    private static final String STATE = "/api/state";
    /** The live changes (POST). */
    private static final String CHANGE = "/api/change";
    /** The one type of a change's body. */
    private static final String FORM = "application/x-www-form-urlencoded";

    private final transient Sampler sampler;
    private final transient Controls controls;
    private final boolean controlsEnabled;
    /** The origins allowed to send changes ({@link Csrf#origins}); empty: each request's own address. */
    private final transient List<String> origins;
    /** The key of the tokens ({@link Csrf#token}), random for each instance; never serialized. */
    private final transient String key = Csrf.newToken();

    /**
     * Creates the servlet.
     *
     * @param sampler the live figures, their history and the plugins
     * @param config whether live changes are enabled
     * @param properties the raw properties, for a value that cannot be used ({@link ConfigDefaults})
     */
    @Activate
    public DashboardServlet(@Reference Sampler sampler, WebConfig config, Map<String, Object> properties) {
        this.sampler = sampler;
        this.controls = new Controls(sampler.registry());
        WebConfig c = ConfigDefaults.of(WebConfig.class, config, properties, WebConfig.PID);
        this.controlsEnabled = c.controls_enabled();
        this.origins = controlsEnabled ? Csrf.origins(c.controls_origins()) : List.of();
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        secure(resp);
        String root = req.getContextPath() + req.getServletPath();
        if (req.getPathInfo() == null || req.getPathInfo().isEmpty()) {
            // the page's links are relative, so it must be at ".../goflow/", wherever the context puts it
            resp.setHeader("Location", root + "/");
            text(resp, 302, "the dashboard is at " + root + "/");
            return;
        }
        String path = req.getPathInfo();
        if (path.equals(STATE)) {
            String token = controlsEnabled ? token(req, resp) : null;
            String json;
            try {
                json = sampler.read(() -> DashboardState.json(sampler, controlsEnabled, token));
            } catch (Sampler.Busy e) {
                text(resp, 503, "goflow.web: " + e.getMessage());
                return;
            }
            resp.setHeader("Cache-Control", "no-store");
            send(resp, 200, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (path.equals(CHANGE)) {
            refuseMethod(resp, "GET", root + path, "POST");
            return;
        }
        String type = ASSETS.get(path);
        if (type == null) {
            text(resp, 404, "no such page: " + root + path);
            return;
        }
        String file = path.equals("/") ? "index.html" : path.substring(1);
        try (InputStream in = DashboardServlet.class.getResourceAsStream("static/" + file)) {
            if (in == null) {
                throw new IOException("goflow.web lacks its asset " + file);
            }
            send(resp, 200, type, in.readAllBytes());
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        secure(resp);
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        if (!path.equals(CHANGE)) {
            if (path.equals(STATE) || ASSETS.containsKey(path)) {
                refuseMethod(resp, "POST", req.getContextPath() + req.getServletPath() + path, "GET, HEAD");
                return;
            }
            send(resp, 404, "text/plain; charset=utf-8", "no such endpoint\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (!controlsEnabled) {
            text(resp, 403, "live changes are disabled: set controls.enabled=true in configuration " + WebConfig.PID);
            return;
        }
        String cookie = cookie(req);
        String expected = cookie == null ? null : Csrf.token(key, cookie);
        String refusal = Csrf.refusal(req.getScheme(), req.getHeader("Host"), origins, req.getHeader("Origin"),
                req.getHeader("Sec-Fetch-Site"), expected, req.getHeader(Csrf.HEADER));
        if (refusal != null) {
            text(resp, 403, refusal);
            return;
        }
        String type = req.getContentType();
        if (type != null && !type.split(";", 2)[0].trim().equalsIgnoreCase(FORM)) {
            // only a form's fields are parameters: JSON or multipart would be refused as missing them all
            text(resp, 415, "Content-Type " + type + " refused: a change is a form, " + FORM + ", with the fields"
                    + " name, field and value");
            return;
        }
        try {
            String changed = controls.change(field(req, "name"), field(req, "field"), field(req, "value"));
            LOG.log(System.Logger.Level.INFO, "dashboard change from {0}: {1}", req.getRemoteAddr(), changed);
            text(resp, 200, changed);
        } catch (Controls.Refused e) {
            text(resp, e.status(), e.getMessage());
        }
    }

    /**
     * A form field of a change, or null when it is missing; refused (400) when the form or the query
     * gives it more than once: which value the page meant is unknown, so none is applied.
     */
    private static String field(HttpServletRequest req, String name) throws Controls.Refused {
        String[] values = req.getParameterValues(name);
        if (values == null || values.length == 0) {
            return null;
        }
        if (values.length > 1) {
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < Math.min(values.length, 3); i++) {
                shown.add("'" + values[i] + "'");
            }
            throw new Controls.Refused(400, "invalid " + name + " given " + values.length + " times ("
                    + String.join(", ", shown) + (values.length > 3 ? ", ..." : "") + "): each of the form fields"
                    + " name, field and value must be given once");
        }
        return values[0];
    }

    /** The token of the request's cookie; a request without a well-formed one is given a new cookie. */
    private String token(HttpServletRequest req, HttpServletResponse resp) {
        String value = cookie(req);
        if (value == null) {
            value = Csrf.newToken();
            String path = req.getContextPath() + req.getServletPath();
            // written as a header: SameSite is not in every container's Cookie (Jetty 11: Servlet 5)
            resp.addHeader("Set-Cookie", Csrf.COOKIE + "=" + value + "; Path=" + (path.isEmpty() ? "/" : path)
                    + "; HttpOnly; SameSite=Strict" + (req.isSecure() ? "; Secure" : ""));
        }
        return Csrf.token(key, value);
    }

    /** The request's well-formed {@link Csrf#COOKIE}, or null. */
    private static String cookie(HttpServletRequest req) {
        Cookie[] cookies = req.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (c.getName().equals(Csrf.COOKIE) && Csrf.wellFormed(c.getValue())) {
                    return c.getValue();
                }
            }
        }
        return null;
    }

    /** 405 for a method an endpoint does not take, with the methods it does ({@code Allow}). */
    private static void refuseMethod(HttpServletResponse resp, String method, String path, String allowed)
            throws IOException {
        resp.setHeader("Allow", allowed);
        text(resp, 405, method + " " + path + " refused: it takes " + allowed.split(",")[0] + " only");
    }

    private static void secure(HttpServletResponse resp) {
        resp.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Referrer-Policy", "same-origin");
    }

    private static void text(HttpServletResponse resp, int status, String message) throws IOException {
        send(resp, status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpServletResponse resp, int status, String type, byte[] body) throws IOException {
        resp.setStatus(status);
        resp.setContentType(type);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
