package dev.vigil.ingest.otlp;

import static dev.vigil.ingest.otlp.OtlpClient.request;
import static dev.vigil.ingest.otlp.OtlpClient.span;
import static dev.vigil.ingest.otlp.OtlpClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.TestVigil;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OTLP exporters retry 429 after Retry-After: the rate limit of {@code /v1/events} answers them in OTLP's terms. */
class OtlpBackpressureTest {
    @TempDir
    Path data;
    TestVigil vigil;

    @AfterEach
    void stop() {
        if (vigil != null) vigil.close();
    }

    private static ExportTraceServiceRequest chats(String agent, int count) {
        Instant t0 = TestVigil.START.minusSeconds(5);
        Span[] spans = IntStream.range(0, count)
                .mapToObj(i -> span("chat", t0, 10, text("gen_ai.operation.name", "chat"), text("gen_ai.agent.id", agent)).build())
                .toArray(Span[]::new);
        return request(List.of(), spans);
    }

    @Test
    void anAgentOverItsRateGets429WithRetryAfterInEachEncodingAndNothingOfTheRequestIsStored() {
        vigil = TestVigil.start(data, null, """
                ingest:
                  agent_rate: {events_per_second: 1, burst: 3}
                """);
        OtlpClient otlp = new OtlpClient(vigil);
        assertThat(otlp.post(chats("hasty-bot", 3)).status()).isEqualTo(200);

        OtlpClient.Answer protobuf = otlp.post(chats("hasty-bot", 2));
        assertThat(protobuf.status()).isEqualTo(429);
        assertThat(protobuf.retryAfter()).isEqualTo("2");
        assertThat(protobuf.contentType()).isEqualTo("application/x-protobuf");
        assertThat(protobuf.rpcStatus().code()).isEqualTo(8); // RESOURCE_EXHAUSTED
        assertThat(protobuf.rpcStatus().message()).startsWith("agent 'hasty-bot' is over its rate limit");

        byte[] json = """
                {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c",
                  "spanId":"eee19b7ec3c1b174","name":"chat","startTimeUnixNano":"%d","endTimeUnixNano":"%d",
                  "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                                {"key":"gen_ai.agent.id","value":{"stringValue":"hasty-bot"}}]}]}]}]}
                """.formatted(TestVigil.START.getEpochSecond() * 1_000_000_000L, TestVigil.START.getEpochSecond() * 1_000_000_000L)
                .getBytes(StandardCharsets.UTF_8);
        OtlpClient.Answer inJson = otlp.post(json, "application/json", null, TestVigil.AGENT);
        assertThat(inJson.status()).isEqualTo(429);
        assertThat(inJson.retryAfter()).isEqualTo("1");
        assertThat(inJson.rpcStatus()).isEqualTo(new OtlpClient.Answer.RpcStatus(8, inJson.statusMessage()));

        assertThat(vigil.get("/v1/events?agent=hasty-bot", TestVigil.OPERATOR).json().get("events")).hasSize(3);

        vigil.clock.advance(java.time.Duration.ofSeconds(2)); // the bucket refills on the injected clock
        assertThat(otlp.post(chats("hasty-bot", 2)).status()).isEqualTo(200);
    }

    @Test
    void aRequestWithMoreSpansOfOneAgentThanItsBurstIs413NotARetryThatCouldNeverSucceed() {
        vigil = TestVigil.start(data, null, """
                ingest:
                  agent_rate: {events_per_second: 1, burst: 3}
                """);
        OtlpClient otlp = new OtlpClient(vigil);

        OtlpClient.Answer answer = otlp.post(chats("bulky-bot", 4));

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.retryAfter()).isNull();
        assertThat(answer.rpcStatus().code()).isEqualTo(3); // INVALID_ARGUMENT
        assertThat(answer.statusMessage()).startsWith("agent 'bulky-bot' has 4 events in this request, more than its rate-limit burst of 3"
                + " (ingest.agent_rate.burst)");
        vigil.clock.advance(java.time.Duration.ofHours(1)); // a full bucket changes nothing
        assertThat(otlp.post(chats("bulky-bot", 4)).status()).isEqualTo(413);
        assertThat(otlp.post(chats("bulky-bot", 3)).status()).isEqualTo(200);
    }

    @Test
    void theSameForEventsPostedAsJson() {
        vigil = TestVigil.start(data, null, """
                ingest:
                  agent_rate: {events_per_second: 1, burst: 3}
                """);
        String event = "{\"agent\":\"bulky-bot\",\"kind\":\"tool_call\",\"tool\":\"t\"}";

        TestVigil.Response r = vigil.postEvents("[" + String.join(",", java.util.Collections.nCopies(4, event)) + "]");

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("error").textValue()).startsWith("agent 'bulky-bot' has 4 events in this request");
        assertThat(vigil.postEvents("[" + String.join(",", java.util.Collections.nCopies(3, event)) + "]").status()).isEqualTo(202);
    }

    @Test
    void onlyGenAiSpansCountTowardsTheEventsPerRequestBound() {
        vigil = TestVigil.start(data, null, """
                ingest:
                  max_events_per_request: 2
                """);
        OtlpClient otlp = new OtlpClient(vigil);
        Instant t0 = TestVigil.START.minusSeconds(5);
        Span[] http = IntStream.range(0, 5).mapToObj(i -> span("GET /", t0, 1, text("http.request.method", "GET")).build())
                .toArray(Span[]::new);
        ExportTraceServiceRequest twoChatsAndHttp = chats("counted-bot", 2).toBuilder()
                .addAllResourceSpans(request(List.of(), http).getResourceSpansList()).build();

        assertThat(otlp.post(twoChatsAndHttp).status()).isEqualTo(200);
        OtlpClient.Answer tooMany = otlp.post(chats("counted-bot", 3));
        assertThat(tooMany.status()).isEqualTo(413);
        assertThat(tooMany.statusMessage()).isEqualTo("more than 2 events in one request; split the batch");
        assertThat(vigil.get("/v1/events?agent=counted-bot", TestVigil.OPERATOR).json().get("events")).hasSize(2);
    }
}
