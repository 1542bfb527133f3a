package goflow.web;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * A request to and a response of a servlet without a container, for what {@link DashboardServlet}
 * reads and writes; every session the servlet creates is counted. Not thread-safe: one test thread.
 */
final class FakeHttp {
    /** A blocking servlet output stream that writes into {@code bytes}. */
    static ServletOutputStream writingTo(ByteArrayOutputStream bytes) {
        return new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(int b) {
                bytes.write(b);
            }
        };
    }

    /** The sessions created through {@link Request#request()}'s {@code getSession(true)}. */
    final AtomicInteger sessionsCreated = new AtomicInteger();

    /** A request being built. */
    final class Request {
        final Map<String, String> headers = new HashMap<>();
        final Map<String, String> parameters = new HashMap<>();
        /** Values given after the one in {@link #parameters} (a field repeated in the form or the query). */
        final Map<String, List<String>> repeated = new HashMap<>();
        final List<Cookie> cookies = new ArrayList<>();
        String scheme = "http";
        String pathInfo;
        private HttpSession session;

        Request(String pathInfo) {
            this.pathInfo = pathInfo;
        }

        Request header(String name, String value) {
            headers.put(name.toLowerCase(java.util.Locale.ROOT), value);
            return this;
        }

        HttpServletRequest request() {
            return (HttpServletRequest) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (p, m, args) -> switch (m.getName()) {
                        case "getPathInfo" -> pathInfo;
                        case "getScheme" -> scheme;
                        case "isSecure" -> scheme.equals("https");
                        case "getContextPath" -> "";
                        case "getServletPath" -> "/goflow";
                        case "getRemoteAddr" -> "127.0.0.1";
                        case "getHeader" -> headers.get(((String) args[0]).toLowerCase(java.util.Locale.ROOT));
                        case "getParameter" -> parameters.get((String) args[0]);
                        case "getParameterValues" -> values((String) args[0]);
                        case "getContentType" -> headers.get("content-type");
                        case "getCookies" -> cookies.isEmpty() ? null : cookies.toArray(new Cookie[0]);
                        case "getSession" -> session(args == null || (Boolean) args[0]);
                        default -> throw new UnsupportedOperationException("FakeHttp: " + m.getName());
                    });
        }

        /** Adds one more value of a parameter, as a form or query repeating the field sends. */
        Request repeat(String name, String value) {
            repeated.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            return this;
        }

        private String[] values(String name) {
            List<String> values = new ArrayList<>();
            if (parameters.containsKey(name)) {
                values.add(parameters.get(name));
            }
            values.addAll(repeated.getOrDefault(name, List.of()));
            return values.isEmpty() ? null : values.toArray(new String[0]);
        }

        private HttpSession session(boolean create) {
            if (session == null && create) {
                sessionsCreated.incrementAndGet();
                Map<String, Object> attributes = new HashMap<>();
                session = (HttpSession) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(),
                        new Class<?>[] {HttpSession.class}, (p, m, args) -> switch (m.getName()) {
                            case "getAttribute" -> attributes.get((String) args[0]);
                            case "setAttribute" -> attributes.put((String) args[0], args[1]);
                            case "hashCode" -> System.identityHashCode(p);
                            case "equals" -> p == args[0];
                            default -> throw new UnsupportedOperationException("FakeHttp session: " + m.getName());
                        });
            }
            return session;
        }
    }

    /** A response as the servlet wrote it. */
    static final class Response {
        int status = 200;
        final Map<String, String> headers = new LinkedHashMap<>();
        final List<Cookie> cookies = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        String body() {
            return body.toString(StandardCharsets.UTF_8);
        }

        HttpServletResponse response() {
            ServletOutputStream out = writingTo(body);
            return (HttpServletResponse) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (p, m, args) -> {
                        switch (m.getName()) {
                            case "setStatus" -> status = (Integer) args[0];
                            case "setHeader", "addHeader" -> headers.put((String) args[0], (String) args[1]);
                            case "addCookie" -> cookies.add((Cookie) args[0]);
                            case "setContentType", "setContentLength" -> { }
                            case "getOutputStream" -> {
                                return out;
                            }
                            default -> throw new UnsupportedOperationException("FakeHttp: " + m.getName());
                        }
                        return null;
                    });
        }
    }

    Request get(String pathInfo) {
        return new Request(pathInfo);
    }
}
