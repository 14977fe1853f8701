package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code vigil replay} and {@code vigil rules} command lines of the README and docs/RULES.md,
 * read from the documents themselves (so they cannot drift) and run as written. A synopsis such
 * as {@code vigil replay [--config FILE] [--rules FILE...] [--json] EVENTS.ndjson} runs in every
 * combination of its optional parts, {@code FILE...} as two files. The files a line names are
 * made in a temporary directory: {@code *.ndjson} events, {@code vigil.yaml} a configuration with
 * a rule file of its own, any other {@code *.yaml} a rule file whose one rule is named after it
 * and fires on every event, so the output shows which files were read as what.
 */
class DocumentedCommandsTest {
    private static final Path ROOT = findRoot();
    private static final List<String> DOCUMENTS = List.of("README.md", "docs/RULES.md");

    @TempDir
    Path dir;
    private final CliRun cli = new CliRun();

    static Stream<Arguments> documentedLines() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String document : DOCUMENTS) {
            int replays = 0;
            for (String line : commandLines(Files.readString(ROOT.resolve(document)))) {
                for (List<String> variant : variants(line)) out.add(Arguments.of(document + ": " + String.join(" ", variant), variant));
                if (line.startsWith("vigil replay")) replays++;
            }
            assertThat(replays).as(document + " documents vigil replay").isPositive();
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedLines")
    void theDocumentedCommandLineRunsAsWritten(String name, List<String> words) throws IOException {
        List<String> args = new ArrayList<>();
        for (String word : words.subList(1, words.size())) args.add(isFile(word) ? make(word).toString() : word);

        int exit = cli.run(args.toArray(String[]::new));

        String output = cli.out + "\n" + cli.err;
        assertThat(exit).as(output).isZero();
        Set<String> ruleFiles = new LinkedHashSet<>();
        for (String w : words) if (isFile(w) && isRuleFile(w)) ruleFiles.add(w);
        boolean config = words.contains("vigil.yaml");
        String command = String.join(" ", words.subList(0, Math.min(3, words.size())));
        if (command.startsWith("vigil replay")) {
            assertThat(output).as("the events file was read as events").contains("2 events replayed (0 skipped)");
            for (String file : ruleFiles) assertThat(output).as("rule file " + file + " was used").contains(ruleId(file));
            if (config) assertThat(output).contains("from-config");
        } else if (command.equals("vigil rules check")) {
            assertThat(ruleFiles).isNotEmpty();
            for (String file : ruleFiles) assertThat(cli.out.toString()).contains(dir.resolve(file) + ": ok");
        } else if (command.equals("vigil rules list")) {
            assertThat(cli.out.toString()).contains("task-failure-storm");
            if (config) assertThat(cli.out.toString()).contains("from-config");
        } else {
            throw new AssertionError("no check for " + words);
        }
    }

    /** The form in the issue, and every other order of the same parts, read the events file as events. */
    @ParameterizedTest
    @ValueSource(strings = {
            "replay --rules good-rules.yaml events.ndjson",
            "replay --rules good-rules.yaml other.yaml events.ndjson",
            "replay events.ndjson --rules good-rules.yaml other.yaml",
            "replay --rules good-rules.yaml --json events.ndjson",
            "replay --rules good-rules.yaml events.ndjson --json",
            "replay --rules good-rules.yaml --rules other.yaml events.ndjson",
            "replay --rules good-rules.yaml other.yaml --rules third.yaml events.ndjson",
            "replay --rules good-rules.yaml -- events.ndjson",
            "replay --rules good-rules.yaml other.yaml events.ndjson --config vigil.yaml",
            "replay --rules good-rules.yaml events.ndjson --config=vigil.yaml",
    })
    void rulesNeverSwallowTheEventsFile(String line) throws IOException {
        List<String> words = List.of(line.split(" "));
        List<String> args = new ArrayList<>();
        for (String word : words) args.add(isFile(word) ? make(word).toString() : word.replace("=vigil.yaml", "=" + make("vigil.yaml")));

        int exit = cli.run(args.toArray(String[]::new));

        String output = cli.out + "\n" + cli.err;
        assertThat(exit).as(output).isZero();
        assertThat(output).contains("2 events replayed (0 skipped)");
        for (String w : words) if (isFile(w) && isRuleFile(w)) assertThat(output).contains(ruleId(w));
        assertThat(output).doesNotContain("events.ndjson: rule"); // it was never read as a rule file
    }

    @Test
    void rulesWithoutAnEventsFileStillSaysItIsMissing() throws IOException {
        int exit = cli.run("replay", "--rules", make("good-rules.yaml").toString());
        assertThat(exit).isEqualTo(2);
        assertThat(cli.err.toString()).contains("Missing required parameter: 'EVENTS.ndjson'");
    }

    /** The lines of fenced code blocks that run {@code vigil replay} or {@code vigil rules}, comments cut. */
    static List<String> commandLines(String markdown) {
        List<String> lines = new ArrayList<>();
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.trim().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            String command = line.replaceFirst("\\s+#.*$", "").trim();
            if (fenced && (command.startsWith("vigil replay ") || command.startsWith("vigil rules "))) lines.add(command);
        }
        return lines;
    }

    /** A synopsis in every combination of its {@code [optional]} parts; a concrete line as it is. */
    static List<List<String>> variants(String synopsis) {
        List<List<String>> parts = new ArrayList<>(); // each a group of words; optional groups marked by a leading null
        String[] words = synopsis.split("\\s+");
        for (int i = 0; i < words.length; i++) {
            if (!words[i].startsWith("[")) {
                parts.add(List.of(words[i]));
                continue;
            }
            List<String> group = new ArrayList<>();
            group.add(null);
            for (; ; i++) {
                group.add(words[i].replace("[", "").replace("]", ""));
                if (words[i].endsWith("]")) break;
            }
            parts.add(group);
        }
        List<List<String>> variants = new ArrayList<>();
        variants.add(new ArrayList<>());
        for (List<String> part : parts) {
            boolean optional = part.get(0) == null;
            List<String> words0 = concrete(optional ? part.subList(1, part.size()) : part);
            List<List<String>> next = new ArrayList<>();
            for (List<String> v : variants) {
                if (optional) next.add(new ArrayList<>(v));
                List<String> with = new ArrayList<>(v);
                with.addAll(words0);
                next.add(with);
            }
            variants = next;
        }
        return variants;
    }

    /** Placeholders as files: {@code --config FILE} the configuration, other {@code FILE}s rule files, {@code FILE...} two. */
    private static List<String> concrete(List<String> words) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String before = i > 0 ? words.get(i - 1) : "";
            switch (w) {
                case "FILE..." -> out.addAll(List.of("rules-1.yaml", "rules-2.yaml"));
                case "FILE" -> out.add(before.equals("--config") ? "vigil.yaml" : "rules-1.yaml");
                case "EVENTS.ndjson" -> out.add("events.ndjson");
                default -> out.add(w);
            }
        }
        return out;
    }

    private static boolean isFile(String word) {
        return !word.startsWith("-") && (word.endsWith(".yaml") || word.endsWith(".yml") || word.endsWith(".ndjson"));
    }

    private static boolean isRuleFile(String word) {
        return !word.endsWith(".ndjson") && !word.equals("vigil.yaml");
    }

    private static String ruleId(String file) {
        return "doc-" + file.replaceAll("\\.ya?ml$", "");
    }

    private Path make(String name) throws IOException {
        Path file = dir.resolve(name);
        if (Files.exists(file)) return file;
        if (name.endsWith(".ndjson")) {
            Files.writeString(file, """
                    {"ts":"2026-01-10T09:00:00Z","agent":"doc-bot","kind":"heartbeat"}
                    {"ts":"2026-01-10T09:00:01Z","agent":"doc-bot","kind":"decision"}
                    """);
        } else if (name.equals("vigil.yaml")) {
            Path own = dir.resolve("from-config.yaml");
            Files.writeString(own, "rules:\n  - {id: from-config, severity: low, category: suboptimal, match: 'true'}\n");
            Files.writeString(file, "rules: [" + own + "]\n");
        } else {
            Files.writeString(file, "rules:\n  - {id: " + ruleId(name) + ", severity: low, category: suboptimal, match: 'true'}\n");
        }
        return file;
    }

    private static Path findRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("docs/RULES.md")) && Files.exists(p.resolve("README.md"))) return p;
        }
        throw new IllegalStateException("no README.md and docs/RULES.md above " + Path.of("").toAbsolutePath());
    }
}
