package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    @Test
    void anEmptyFileMeansTheDefaults() {
        VigilConfig c = ConfigLoader.parse("vigil.yaml", "");
        assertThat(c.server().port()).isEqualTo(8080);
        assertThat(c.server().bind()).isEqualTo("127.0.0.1");
        assertThat(c.server().jdbcUrl()).isEqualTo("jdbc:sqlite:vigil-data/vigil.db");
        assertThat(c.ingest().maxBodyBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(c.ingest().maxFutureSkew()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.ingest().maxAge()).isEqualTo(Duration.ofHours(24));
        assertThat(c.storage().retention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void readsEverySection() {
        VigilConfig c = ConfigLoader.parse("vigil.yaml", """
                server:
                  port: 9090
                  bind: 0.0.0.0
                  data: /var/lib/vigil
                log:
                  format: json
                ingest:
                  max_body_bytes: 1048576
                  max_future_skew: 1m
                  agent_rate: {events_per_second: 50, burst: 100}
                storage:
                  retention: 30d
                metrics:
                  require_auth: true
                """);
        assertThat(c.server().port()).isEqualTo(9090);
        assertThat(c.server().jdbcUrl()).isEqualTo("jdbc:sqlite:/var/lib/vigil/vigil.db");
        assertThat(c.log().format()).isEqualTo("json");
        assertThat(c.ingest().maxFutureSkew()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.ingest().agentRate().burst()).isEqualTo(100);
        assertThat(c.storage().retention()).isEqualTo(Duration.ofDays(30));
        assertThat(c.metrics().requireAuth()).isTrue();
    }

    @Test
    void anUnknownKeyIsNamedWithItsLine() {
        assertThatThrownBy(() -> ConfigLoader.parse("vigil.yaml", """
                server:
                  port: 9090
                ingest:
                  max_body: 10
                  queue_events: 5
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("vigil.yaml line 4: unknown key 'ingest.max_body' (known keys here: ")
                .hasMessageContaining("max_body_bytes");
        assertThatThrownBy(() -> ConfigLoader.parse("vigil.yaml", "severs:\n  port: 1\n"))
                .hasMessageStartingWith("vigil.yaml line 1: unknown key 'severs'");
    }

    @Test
    void aWrongTypeIsNamedWithItsLine() {
        assertThatThrownBy(() -> ConfigLoader.parse("vigil.yaml", "server:\n  bind: x\n  port: eighty\n"))
                .hasMessage("vigil.yaml line 3: key 'server.port': expected a whole number, got 'eighty'");
        assertThatThrownBy(() -> ConfigLoader.parse("vigil.yaml", "ingest:\n  agent_rate: 5\n"))
                .hasMessage("vigil.yaml line 2: key 'ingest.agent_rate': expected a section of keys and values, got '5'");
        assertThatThrownBy(() -> ConfigLoader.parse("vigil.yaml", "auth:\n  keys: {name: x}\n"))
                .hasMessage("vigil.yaml line 2: key 'auth.keys': expected a list");
        assertThatThrownBy(() -> ConfigLoader.parse("vigil.yaml", "storage:\n  retention: 7 days\n"))
                .hasMessage("vigil.yaml line 2: key 'storage.retention': bad duration '7 days': use a whole number and a unit (ms, s, m, h, d), such as 30s, 5m, 1h or 7d");
    }

    @Test
    void aBadValueIsExplained() {
        assertThatThrownBy(() -> ConfigLoader.parse("vigil.yaml", "storage:\n  retention: 1h\n"))
                .hasMessageContaining("storage.retention must be at least 24h");
        assertThatThrownBy(() -> ConfigLoader.parse("vigil.yaml", "log:\n  format: xml\n"))
                .hasMessageContaining("log.format must be console or json, not 'xml'");
        assertThatThrownBy(() -> ConfigLoader.parse("vigil.yaml", "ingest:\n  queue_events: 0\n"))
                .hasMessageContaining("ingest.queue_events must be positive");
        assertThatThrownBy(() -> ConfigLoader.parse("vigil.yaml", "server:\n  bind: \"unterminated\n"))
                .hasMessageStartingWith("vigil.yaml: not valid YAML");
    }
}
