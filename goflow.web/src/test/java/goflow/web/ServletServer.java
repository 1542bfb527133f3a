package goflow.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The dashboard servlet behind the JDK's HTTP server on 127.0.0.1, at {@code /goflow}, for a real
 * browser: what {@link DashboardServlet} reads of a request and writes to a response, bridged. Not a
 * servlet container; enough for the page, its assets, its polls and its changes.
 */
final class ServletServer implements AutoCloseable {
    private final HttpServer server;
    /** The servlet serving now: a test replaces it as a configuration change does. */
    private final AtomicReference<DashboardServlet> servlet;

    ServletServer(DashboardServlet first) throws IOException {
        this(first, "");
    }

    /** The servlet in a context at {@code contextPath} (as {@code /ops}), at {@code contextPath/goflow}. */
    ServletServer(DashboardServlet first, String contextPath) throws IOException {
        servlet = new AtomicReference<>(first);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(contextPath + "/goflow", exchange -> {
            try (exchange) {
                serve(servlet.get(), exchange, contextPath);
            }
        });
        server.start();
    }

    /** Serves with another servlet from now on, as the container does after a configuration change. */
    void replace(DashboardServlet next) {
        servlet.set(next);
    }

    /** The page's address. */
    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void serve(DashboardServlet servlet, HttpExchange exchange, String contextPath) throws IOException {
        String path = exchange.getRequestURI().getRawPath().substring((contextPath + "/goflow").length());
        byte[] body = exchange.getRequestBody().readAllBytes();
        Map<String, String> parameters = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                parameters.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        List<Cookie> cookies = new ArrayList<>();
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String c : header.split(";")) {
                int eq = c.indexOf('=');
                if (eq > 0) {
                    cookies.add(new Cookie(c.substring(0, eq).trim(), c.substring(eq + 1).trim()));
                }
            }
        }
        HttpServletRequest req = (HttpServletRequest) Proxy.newProxyInstance(ServletServer.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, args) -> switch (m.getName()) {
                    case "getPathInfo" -> path.isEmpty() ? null : path;
                    case "getScheme" -> "http";
                    case "isSecure" -> false;
                    case "getContextPath" -> contextPath;
                    case "getServletPath" -> "/goflow";
                    case "getRemoteAddr" -> "127.0.0.1";
                    case "getHeader" -> exchange.getRequestHeaders().getFirst((String) args[0]);
                    case "getParameter" -> parameters.get((String) args[0]);
                    case "getContentType" -> exchange.getRequestHeaders().getFirst("Content-Type");
                    case "getParameterValues" -> parameters.containsKey((String) args[0])
                            ? new String[] {parameters.get((String) args[0])} : null;
                    case "getCookies" -> cookies.isEmpty() ? null : cookies.toArray(new Cookie[0]);
                    default -> throw new UnsupportedOperationException("ServletServer: " + m.getName());
                });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ServletOutputStream stream = FakeHttp.writingTo(out);
        int[] status = {200};
        HttpServletResponse resp = (HttpServletResponse) Proxy.newProxyInstance(ServletServer.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, args) -> {
                    switch (m.getName()) {
                        case "setStatus" -> status[0] = (Integer) args[0];
                        case "setHeader" -> exchange.getResponseHeaders().set((String) args[0], (String) args[1]);
                        case "addHeader" -> exchange.getResponseHeaders().add((String) args[0], (String) args[1]);
                        case "setContentType" -> exchange.getResponseHeaders().set("Content-Type", (String) args[0]);
                        case "setContentLength" -> { }
                        case "getOutputStream" -> {
                            return stream;
                        }
                        default -> throw new UnsupportedOperationException("ServletServer: " + m.getName());
                    }
                    return null;
                });
        try {
            if (exchange.getRequestMethod().equals("POST")) {
                servlet.doPost(req, resp);
            } else {
                servlet.doGet(req, resp);
            }
        } catch (RuntimeException e) {
            status[0] = 500;
            out.reset();
            out.writeBytes(String.valueOf(e).getBytes(StandardCharsets.UTF_8));
        }
        exchange.sendResponseHeaders(status[0], out.size() == 0 ? -1 : out.size());
        try (OutputStream o = exchange.getResponseBody()) {
            out.writeTo(o);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
