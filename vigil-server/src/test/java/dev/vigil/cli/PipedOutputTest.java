package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every command's output reaches standard output when it is a pipe, in a JVM of its own that
 * exits through {@code Main.main}: in-process runs write to a string and cannot see an unflushed
 * writer lost at {@code System.exit}.
 */
class PipedOutputTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "drill runbook | # Vigil on-call runbook",
            "rules list    | ",
            "--version     | vigil ",
            "--help        | Usage: vigil"})
    void outputReachesAPipe(String args, String startsWith) throws IOException, InterruptedException {
        String out = run(args.trim().split(" +"));
        assertThat(out).isNotBlank();
        if (startsWith != null) assertThat(out).startsWith(startsWith);
    }

    /** The embedded drill starts a server per case; their log lines must not break up the table. */
    @Test
    void theDrillTableIsAloneOnStandardOutput() throws IOException, InterruptedException {
        List<String> lines = run("drill", "run").lines().toList();
        assertThat(lines.get(0)).startsWith("CASE").contains("RESULT");
        assertThat(lines).noneMatch(l -> l.contains(" INFO ") || l.contains(" WARN ")).last().asString().endsWith("0 failed");
    }

    private static String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.Main"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
