package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
    private final CliRun cli = new CliRun();
    private final java.io.StringWriter out = cli.out;
    private final java.io.StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void printsTheVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).matches("vigil \\d+\\.\\d+\\.\\d+.*\\(Java .*\\)\\s*");
    }

    @Test
    void printsHelpForTheCommandAndForServe() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: vigil").contains("serve");
        assertThat(run("serve", "--help")).isZero();
        assertThat(out.toString()).contains("--port").contains("--data").contains("--bind").contains("--db").contains("--config");
    }

    @Test
    void refusesToStartOnABadConfigurationAndSaysWhere(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("vigil.yaml");
        Files.writeString(config, "server:\n  port: 8080\n  colour: blue\n");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        int exit = run("serve", "--config", config.toString(), "--port", Integer.toString(port), "--data", dir.toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("vigil: configuration error: " + config + " line 3: unknown key 'server.colour'");
        // It did not start: the port is still free and no database was created.
        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.isBound()).isTrue();
        }
        assertThat(dir.resolve("vigil.db")).doesNotExist();
    }

    @Test
    void commandLineFlagsOverrideTheFile(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("vigil.yaml");
        Files.writeString(config, "server:\n  port: 9000\n  bind: 0.0.0.0\n");
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--config", config.toString(), "--port", "9100", "--db", "jdbc:postgresql://db/vigil");
        var effective = serve.effectiveConfig();
        assertThat(effective.server().port()).isEqualTo(9100);
        assertThat(effective.server().bind()).isEqualTo("0.0.0.0");
        assertThat(effective.server().jdbcUrl()).isEqualTo("jdbc:postgresql://db/vigil");
    }
}
