package dev.vigil.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.util.Map;

/**
 * The dashboard (DESIGN §6, {@code GET /}): hand-written HTML, CSS and ES modules from the jar's
 * {@code /web} folder, nothing from elsewhere. The page talks to the v1 API with the operator's
 * key in a bearer header.
 *
 * <p>Everything the dashboard shows may come from an agent, so it only ever renders text nodes;
 * the headers below are the second line of defence: no script but our own files, no inline
 * script or style, never framed, no MIME sniffing.
 */
public final class Dashboard {
    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
            "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'");

    private Dashboard() {}

    public static void serve(JavalinConfig cfg) {
        cfg.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = "/web";
            files.location = Location.CLASSPATH;
            files.headers = Map.of("Cache-Control", "no-cache"); // revalidate, so an upgraded server never runs with old scripts
        });
        // On every response, not only the files: API answers, 404s and errors carry agents' data
        // too, and any of them could be framed or sniffed as HTML.
        cfg.routes.before(ctx -> {
            ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("X-Frame-Options", "DENY"); // for browsers older than frame-ancestors
            ctx.header("Referrer-Policy", "no-referrer");
        });
    }
}
