package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.event.AgentIds;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus ({@code bad-input-corpus.yaml} beside this class): each request there is
 * wrong in one way, and the answer must be the status and error the file expects. All cases run
 * in order against one real server on SQLite that accepted some events first; afterwards those
 * events must be exactly as they were, and nothing refused may have reached the log or the fleet.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputCorpusTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REPEAT = Pattern.compile("\\$\\{(.+?)\\*(\\d+)}");
    /** Accepted before the corpus runs: what bad input must never corrupt. */
    private static final String BASELINE = """
            [{"id":"keep-1","agent":"keeper","task":"t1","kind":"outcome","status":"ok","quality":0.9},
             {"id":"keep-2","agent":"s","kind":"heartbeat"},
             {"id":"keep-3","agent":"s?","kind":"heartbeat"},
             {"id":"keep-4","agent":"s\\ud83d\\ude00","kind":"tool_call","tool":"t","params":{"note":"Zoë ✓ 退款"}},
             {"id":"keep-5","agent":"keeper","kind":"llm_call","model":"m","tokens":{"input":10,"output":5}}]""";

    @TempDir
    static Path data;
    private TestVigil vigil;
    private final Map<String, JsonNode> baseline = new LinkedHashMap<>();
    private int casesRun;
    private int storedByCorpus;

    @BeforeAll
    void startAndAcceptTheBaseline() {
        vigil = TestVigil.start(data, null, "");
        vigil.accept(BASELINE);
        for (JsonNode e : storedEvents()) baseline.put(e.get("id").textValue(), e);
        assertThat(baseline).hasSize(5);
    }

    @AfterAll
    void stop() {
        if (vigil != null) vigil.close();
    }

    static Stream<Arguments> corpus() throws IOException {
        try (InputStream in = BadInputCorpusTest.class.getResourceAsStream("bad-input-corpus.yaml")) {
            JsonNode cases = YAML.readTree(in);
            List<Arguments> out = new ArrayList<>();
            Set<String> names = new TreeSet<>();
            for (JsonNode c : cases) {
                assertThat(names.add(c.get("name").textValue())).as("case names are unique: " + c.get("name")).isTrue();
                out.add(Arguments.of(c.get("name").textValue(), c));
            }
            return out.stream();
        }
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void badInputGetsItsStatusAndAnErrorNamingWhatIsWrong(String name, JsonNode c) throws IOException {
        TestVigil.Response r = vigil.send(request(c));
        casesRun++;
        JsonNode expect = c.get("expect");
        String method = text(c, "method", "POST");
        assertThat(r.status()).as(r.toString()).isEqualTo(expect.get("status").intValue()).isLessThan(500);

        String contentType = r.headers().firstValue("Content-Type").orElse("");
        if (expect.has("content_type")) assertThat(contentType).startsWith(expect.get("content_type").textValue());
        if (method.equals("HEAD")) {
            assertThat(r.body()).as("a HEAD answer has no body").isEmpty();
            if (r.status() >= 400) assertThat(contentType).as("the error GET would send is JSON").startsWith("application/json");
            return;
        }
        if (r.status() >= 400) {
            assertThat(contentType).as(r.toString()).startsWith("application/json");
            assertThat(r.json().path("error").isTextual()).as("an error answer has an \"error\": " + r).isTrue();
        }
        if (expect.has("error")) assertThat(errors(r.json())).as(r.toString()).anySatisfy(e ->
                assertThat(e).contains(expect.get("error").textValue()));
        if (expect.has("body_contains")) assertThat(r.body()).contains(expect.get("body_contains").textValue());
        if (expect.has("accepted")) assertThat(r.json().get("accepted").intValue()).as(r.toString()).isEqualTo(expect.get("accepted").intValue());
        if (expect.has("duplicates")) assertThat(r.json().get("duplicates").intValue()).as(r.toString()).isEqualTo(expect.get("duplicates").intValue());
        if (r.status() == 202) storedByCorpus += r.json().get("accepted").intValue() - r.json().get("duplicates").intValue();
    }

    @Order(2)
    @Test
    void afterTheCorpusTheAcceptedEventsAreIntactAndNothingRefusedWasStored() {
        org.junit.jupiter.api.Assumptions.assumeTrue(casesRun > 0, "runs after the corpus");
        List<JsonNode> stored = storedEvents();
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (JsonNode e : stored) {
            assertThat(byId.put(e.get("agent").textValue() + "/" + e.get("id").textValue(), e)).as("stored once: " + e).isNull();
        }
        // exactly the baseline plus what the corpus's answers said they stored (accepted, not duplicates)
        assertThat(stored).hasSize(baseline.size() + storedByCorpus);
        for (JsonNode before : baseline.values()) {
            assertThat(byId.get(before.get("agent").textValue() + "/" + before.get("id").textValue()))
                    .as("baseline event " + before.get("id")).isEqualTo(before);
        }
        assertThat(stored).extracting(e -> e.get("agent").textValue())
                .allSatisfy(agent -> assertThat(AgentIds.problem(agent)).as(agent).isNull())
                .containsOnly("keeper", "s", "s?", "s\ud83d\ude00", "corpus-bot");
        assertThat(stored).extracting(e -> e.get("id").textValue()).allSatisfy(id -> assertThat(id).isNotBlank());

        // no refused pause or resume left a control document behind
        TestVigil.Response fleet = vigil.get("/v1/agents", TestVigil.OPERATOR);
        assertThat(fleet.status()).isEqualTo(200);
        fleet.json().get("agents").forEach(a -> {
            assertThat(AgentIds.problem(a.get("agent").textValue())).as(a.toString()).isNull();
            assertThat(a.get("state").textValue()).as(a.toString()).isEqualTo("running");
        });
    }

    private HttpRequest request(JsonNode c) {
        String method = text(c, "method", "POST");
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        if (c.has("body")) body = HttpRequest.BodyPublishers.ofString(expand(c.get("body").textValue()), StandardCharsets.UTF_8);
        if (c.has("body_base64")) body = HttpRequest.BodyPublishers.ofByteArray(Base64.getDecoder().decode(c.get("body_base64").textValue()));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(vigil.url(expand(c.get("path").textValue())))).method(method, body);
        String key = switch (text(c, "key", "agent")) {
            case "agent" -> TestVigil.AGENT;
            case "operator" -> TestVigil.OPERATOR;
            case "admin" -> TestVigil.ADMIN;
            case "none" -> null;
            default -> text(c, "key", null);
        };
        if (key != null) b.header("Authorization", "Bearer " + key);
        JsonNode headers = c.path("headers");
        if ((c.has("body") || c.has("body_base64")) && !headers.has("Content-Type")) b.header("Content-Type", "application/json");
        headers.properties().forEach(h -> b.header(h.getKey(), h.getValue().textValue()));
        return b.build();
    }

    /** {@code ${x*N}}: x repeated N times, for the long values a file should not spell out. */
    private static String expand(String s) {
        Matcher m = REPEAT.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(m.group(1).repeat(Integer.parseInt(m.group(2)))));
        return m.appendTail(out).toString();
    }

    /** The answer's error and each per-event rejection's. */
    private static List<String> errors(JsonNode answer) {
        List<String> errors = new ArrayList<>();
        if (answer.path("error").isTextual()) errors.add(answer.get("error").textValue());
        answer.path("rejected").forEach(r -> errors.add(r.path("error").asText()));
        return errors;
    }

    private static String text(JsonNode c, String field, String otherwise) {
        return c.hasNonNull(field) ? c.get(field).asText() : otherwise;
    }

    private List<JsonNode> storedEvents() {
        TestVigil.Response r = vigil.get("/v1/events?limit=1000", TestVigil.OPERATOR);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        try {
            List<JsonNode> events = new ArrayList<>();
            JSON.readTree(r.body()).get("events").forEach(events::add);
            return events;
        } catch (IOException e) {
            throw new AssertionError(r.toString(), e);
        }
    }
}
