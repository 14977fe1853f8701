package dev.vigil.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.TestVigil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the tests read back from a real server: the stored events, its request counter; and free ports. */
final class Server {
    private Server() {}

    /** Every stored event of an agent, following the pages. */
    static List<JsonNode> events(TestVigil vigil, String agent) {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        do {
            String query = "/v1/events?limit=1000&agent=" + agent
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            TestVigil.Response r = vigil.get(query, TestVigil.OPERATOR);
            if (r.status() != 200) throw new AssertionError(r.toString());
            r.json().get("events").forEach(out::add);
            JsonNode next = r.json().get("next_cursor");
            cursor = next.isNull() ? null : next.textValue();
        } while (cursor != null);
        return out;
    }

    /** How many {@code POST /v1/events} requests the server answered, by its own metrics. */
    static long eventPosts(TestVigil vigil) {
        String metrics = vigil.get("/metrics", null).body();
        Matcher m = Pattern.compile("http_server_requests_seconds_count\\{([^}]*)} (\\S+)").matcher(metrics);
        long total = 0;
        while (m.find()) {
            if (m.group(1).contains("method=\"POST\"") && m.group(1).contains("route=\"/v1/events\"")) {
                total += (long) Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    /** A port nothing listens on now, for a server started later or never. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
