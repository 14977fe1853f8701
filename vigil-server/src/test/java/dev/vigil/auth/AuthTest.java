package dev.vigil.auth;

import static dev.vigil.server.TestVigil.ADMIN;
import static dev.vigil.server.TestVigil.AGENT;
import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.server.TestVigil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

class AuthTest {
    private static final String EVENT = "{\"agent\":\"billing-eu\",\"kind\":\"heartbeat\"}";
    @TempDir
    Path data;
    TestVigil vigil;

    @AfterEach
    void stop() {
        if (vigil != null) vigil.close();
    }

    private static String sha256(String key) {
        return HexFormat.of().formatHex(KeyRing.sha256(key));
    }

    @ParameterizedTest(name = "{0} {1} with {2} -> {3}")
    @CsvSource({
            "POST, /v1/events, none,     401",
            "POST, /v1/events, unknown,  401",
            "POST, /v1/events, agent,    202",
            "POST, /v1/events, operator, 202",
            "POST, /v1/events, admin,    202",
            "GET,  /v1/events, none,     401",
            "GET,  /v1/events, unknown,  401",
            "GET,  /v1/events, agent,    403",
            "GET,  /v1/events, operator, 200",
            "GET,  /v1/events, admin,    200",
            "GET,  /metrics,   none,     401",
            "GET,  /metrics,   agent,    403",
            "GET,  /metrics,   operator, 200",
            "GET,  /healthz,   none,     200",
            "GET,  /readyz,    none,     200",
    })
    void roleMatrix(String method, String path, String who, int status) {
        vigil = TestVigil.start(data, null, "metrics: {require_auth: true}");
        String key = switch (who) {
            case "agent" -> AGENT;
            case "operator" -> OPERATOR;
            case "admin" -> ADMIN;
            case "unknown" -> "not-a-key";
            default -> null;
        };
        TestVigil.Response r = method.equals("POST")
                ? vigil.post(path, key, "application/json", EVENT)
                : vigil.get(path, key);
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        if (status == 401) assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        if (status >= 400) assertThat(r.json().get("error").textValue()).isNotBlank();
    }

    @Test
    void aScopedAgentKeySendsOnlyForItsAgents() {
        vigil = TestVigil.start(data, null, """
                auth:
                  keys:
                    - {name: billing, role: agent, sha256: %s, agents: ["billing-*"]}
                """.formatted(sha256("billing-key")));
        assertThat(vigil.post("/v1/events", "billing-key", "application/json", EVENT).status()).isEqualTo(202);
        TestVigil.Response r = vigil.post("/v1/events", "billing-key", "application/json",
                "[" + EVENT + ",{\"agent\":\"support-bot\",\"kind\":\"heartbeat\"}]");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("error").textValue()).isEqualTo("key 'billing' may not send events for agent 'support-bot' (event 1)");
        // Nothing of the refused request was stored, not even its in-scope event.
        assertThat(vigil.get("/v1/events", OPERATOR).json().get("events")).hasSize(1);
    }

    @Test
    void configuredKeysAreHashesAndWork() {
        vigil = TestVigil.start(data, null, """
                auth:
                  keys:
                    - {name: oncall, role: operator, sha256: %s}
                """.formatted(sha256("oncall-key").toUpperCase()));
        assertThat(vigil.get("/v1/events", "oncall-key").status()).isEqualTo(200);
        assertThat(vigil.get("/v1/events", sha256("oncall-key")).status()).isEqualTo(401);
    }

    @Test
    void onlyAgentKeysAreScoped() {
        VigilConfig config = ConfigLoader.parse("t.yaml", """
                auth:
                  keys:
                    - {name: ops, role: operator, sha256: %s, agents: ["x"]}
                """.formatted(sha256("k")));
        assertThatThrownBy(() -> KeyRing.builder().configured(config.auth().keys()))
                .hasMessage("auth.keys.ops.agents: only agent keys are scoped to agents");
    }

    @Test
    void withoutAnyKeyTheServerGeneratesCredentialsOnceAndNeverLogsThem() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            VigilConfig config = VigilConfig.defaults().withServer(new VigilConfig.Server(0, "127.0.0.1", data, null));
            vigil = TestVigil.startWithEnv(config, Map.of());
            Path file = data.resolve("credentials");
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            Map<String, String> keys = Credentials.loadOrCreate(data);
            assertThat(keys).containsOnlyKeys("VIGIL_ADMIN_KEY", "VIGIL_AGENT_KEY");
            assertThat(vigil.get("/v1/events", keys.get("VIGIL_ADMIN_KEY")).status()).isEqualTo(200);
            assertThat(vigil.post("/v1/events", keys.get("VIGIL_AGENT_KEY"), "application/json", EVENT).status()).isEqualTo(202);
            assertThat(vigil.get("/v1/events", keys.get("VIGIL_AGENT_KEY")).status()).isEqualTo(403);
            vigil.close();

            // A restart reads the same keys back instead of generating new ones.
            vigil = TestVigil.startWithEnv(config, Map.of());
            assertThat(vigil.get("/v1/events", keys.get("VIGIL_ADMIN_KEY")).status()).isEqualTo(200);

            assertThat(logs.list).anyMatch(e -> e.getFormattedMessage().contains(file.toAbsolutePath().toString()));
            assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains(keys.get("VIGIL_ADMIN_KEY"))
                    || e.getFormattedMessage().contains(keys.get("VIGIL_AGENT_KEY")));
        } finally {
            root.detachAppender(logs);
        }
    }

    @Test
    void comparisonFindsTheRightKeyAmongMany() {
        KeyRing ring = KeyRing.builder().plain("a", Role.AGENT, "k1").plain("o", Role.OPERATOR, "k2").plain("x", Role.ADMIN, "k3").build();
        assertThat(ring.authenticate("k2")).hasValueSatisfying(p -> assertThat(p.name()).isEqualTo("o"));
        assertThat(ring.authenticate("k3")).hasValueSatisfying(p -> assertThat(p.role()).isEqualTo(Role.ADMIN));
        assertThat(ring.authenticate("k4")).isEmpty();
        assertThat(ring.authenticate("")).isEmpty();
    }
}
