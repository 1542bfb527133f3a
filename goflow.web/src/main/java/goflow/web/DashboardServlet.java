package goflow.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The dashboard, {@code /goflow}: the page and its two assets (served from this bundle, no CDN),
 * {@code GET /goflow/api/state} (JSON, polled by the page every second), and, only when
 * {@code controls.enabled} is set in configuration {@value WebConfig#PID},
 * {@code POST /goflow/api/change} (form fields {@code name}, {@code field}, {@code value}) from the
 * page's own origin with its session's token ({@link Csrf}).
 *
 * <p>Thread-safe: the fields are final and thread-safe; sessions are the container's.
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

    private final transient Sampler sampler;
    private final transient Controls controls;
    private final boolean controlsEnabled;

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
        this.controlsEnabled = ConfigDefaults.of(WebConfig.class, config, properties, WebConfig.PID).controls_enabled();
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null || req.getPathInfo().isEmpty() ? "/" : req.getPathInfo();
        secure(resp);
        if (path.equals("/api/state")) {
            String json = DashboardState.json(sampler, controlsEnabled, controlsEnabled ? token(req) : null);
            resp.setHeader("Cache-Control", "no-store");
            send(resp, 200, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
            return;
        }
        String type = ASSETS.get(path);
        if (type == null) {
            send(resp, 404, "text/plain; charset=utf-8", ("no such page: /goflow" + path + "\n")
                    .getBytes(StandardCharsets.UTF_8));
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
        if (!path.equals("/api/change")) {
            send(resp, 404, "text/plain; charset=utf-8", "no such endpoint\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (!controlsEnabled) {
            text(resp, 403, "live changes are disabled: set controls.enabled=true in configuration " + WebConfig.PID);
            return;
        }
        HttpSession session = req.getSession(false);
        String sessionToken = session == null ? null : (String) session.getAttribute(Csrf.ATTRIBUTE);
        String refusal = Csrf.refusal(req.getScheme(), req.getHeader("Host"), req.getHeader("Origin"),
                req.getHeader("Sec-Fetch-Site"), sessionToken, req.getHeader(Csrf.HEADER));
        if (refusal != null) {
            text(resp, 403, refusal);
            return;
        }
        try {
            String changed = controls.change(req.getParameter("name"), req.getParameter("field"),
                    req.getParameter("value"));
            LOG.log(System.Logger.Level.INFO, "dashboard change from {0}: {1}", req.getRemoteAddr(), changed);
            text(resp, 200, changed);
        } catch (Controls.Refused e) {
            text(resp, e.status(), e.getMessage());
        }
    }

    private static String token(HttpServletRequest req) {
        HttpSession session = req.getSession(true);
        synchronized (session) {
            String token = (String) session.getAttribute(Csrf.ATTRIBUTE);
            if (token == null) {
                token = Csrf.newToken();
                session.setAttribute(Csrf.ATTRIBUTE, token);
            }
            return token;
        }
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
