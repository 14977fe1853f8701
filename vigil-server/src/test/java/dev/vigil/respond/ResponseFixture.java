package dev.vigil.respond;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.vigil.server.TestVigil;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A server with every kind of channel pointed at real receivers, and an SSE client for the control plane. */
final class ResponseFixture implements AutoCloseable {
    static final String SECRET = "hook-secret";
    final Receiver slack = new Receiver();
    final Receiver pagerduty = new Receiver();
    final Receiver hook = new Receiver();
    final Receiver alertmanager = new Receiver();
    final Receiver tickets = new Receiver();
    final Receiver drillHook = new Receiver();
    final GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    final TestVigil vigil;

    ResponseFixture(Path data, String extraYaml) throws Exception {
        mail.start();
        tickets.answer("{\"id\": \"T-1\", \"url\": \"https://tickets.example/T-1\"}");
        vigil = TestVigil.start(data, null, """
                channels:
                  pagerduty: {type: pagerduty, routing_key: "rk-1", url: "%s"}
                  slack:     {type: slack, webhook_url: "%s"}
                  hook:      {type: webhook, url: "%s", secret: "%s"}
                  mail:      {type: email, smtp_host: 127.0.0.1, smtp_port: %d, from: vigil@example.com, to: [oncall@example.com], starttls: false}
                  am:        {type: alertmanager, url: "%s"}
                  tickets:   {type: ticket, url: "%s", flavour: generic}
                  drills:    {type: webhook, url: "%s", drill: true}
                response:
                  action_backoff: 1s
                agents:
                  - {id: billing-bot, allowed_tools: [payments.refund]}
                """.formatted(pagerduty.url("/v2/enqueue"), slack.url("/hook"), hook.url("/in"), SECRET,
                mail.getSmtp().getPort(), alertmanager.url(""), tickets.url("/tickets"), drillHook.url("/drill")) + extraYaml);
    }

    /** Collects the {@code data:} lines of an agent's control stream. */
    List<JsonNode> streamControl(String agent, String key) {
        List<JsonNode> documents = new CopyOnWriteArrayList<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(vigil.url("/v1/agents/" + agent + "/control/stream")))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream").build();
        HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().forEach(line -> {
            if (line.startsWith("data:")) {
                try {
                    documents.add(new ObjectMapper().readTree(line.substring(5).trim()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }));
        return documents;
    }

    JsonNode incident(String query) {
        List<JsonNode> found = vigil.incidents(query);
        return found.isEmpty() ? null : found.get(0);
    }

    @Override
    public void close() {
        vigil.close();
        for (Receiver r : List.of(slack, pagerduty, hook, alertmanager, tickets, drillHook)) r.close();
        mail.stop();
    }
}
