package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.drill.DrillFile;
import dev.vigil.drill.DrillRunner;
import dev.vigil.drill.Runbook;
import dev.vigil.config.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil drill run} and {@code vigil drill runbook}. */
@Command(name = "drill", mixinStandardHelpOptions = true, description = "Chaos drills that prove the response works, and the runbook.",
        subcommands = {DrillCommand.Run.class, DrillCommand.RunbookCommand.class})
final class DrillCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static DrillFile load(List<Path> files) throws IOException {
        if (files.isEmpty()) return DrillFile.defaults();
        List<JsonNode> agents = new ArrayList<>();
        List<DrillFile.Case> cases = new ArrayList<>();
        for (Path f : files) {
            DrillFile d = DrillFile.parse(f.toString(), Files.readString(f));
            agents.addAll(d.agents());
            cases.addAll(d.drills());
        }
        return new DrillFile(agents, cases);
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run drill files (default: the built-in pack) against an embedded Vigil on a virtual clock, or a running server.")
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "FILE")
        List<Path> files = new ArrayList<>();

        @Option(names = "--url", description = "a running Vigil; events are marked as drills, so nobody is paged")
        String url;

        @Option(names = "--key", defaultValue = "${env:VIGIL_ADMIN_KEY}",
                description = "an operator or admin key of the server at --url (default: $VIGIL_ADMIN_KEY)")
        String key;

        @Option(names = "--json", description = "one JSON object per case")
        boolean json;

        @Option(names = "--verbose", description = "log what the servers do (to standard error); otherwise only warnings")
        boolean verbose;

        private static final String ROW = "%-36s %-7s %12s %10s  %s%n";

        @Override
        public Integer call() throws IOException {
            Logging.toStandardError(verbose);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            DrillFile drills;
            try {
                drills = load(files);
            } catch (IllegalArgumentException e) {
                err.println("vigil: " + e.getMessage());
                return 2;
            }
            DrillRunner runner;
            Thread cleanUpOnExit = null;
            if (url == null) {
                runner = DrillRunner.embedded(drills.agents());
            } else {
                String problem = DrillRunner.checkRemote(url, key); // one request, before any case sends anything
                if (problem != null) {
                    err.println("vigil: " + problem);
                    return 2;
                }
                runner = DrillRunner.remote(url, key, drills.agents());
                // Interrupted (Ctrl-C), the run still resolves, resumes and forgets what it did to the server.
                DrillRunner r = runner;
                cleanUpOnExit = new Thread(() -> r.cleanUp(new Progress(out, err, json, true)), "vigil-drill-clean-up");
                Runtime.getRuntime().addShutdownHook(cleanUpOnExit);
            }
            if (!json) {
                out.printf(ROW, "CASE", "RESULT", "DETECTION", "ACTION", "DETAIL");
                out.flush();
            }
            List<DrillRunner.Result> results = runner.run(drills.drills(), new Progress(out, err, json, url != null));
            if (cleanUpOnExit != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanUpOnExit);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or has run; it cleans up nothing twice
                }
            }
            long failed = results.stream().filter(r -> !r.passed()).count();
            (json ? err : out).println(results.size() + " cases, " + failed + " failed");
            return failed == 0 ? 0 : 1;
        }

        /**
         * Each case's row (or JSON object) on standard output as soon as it is known; against a
         * running server, where cases take seconds, a line on standard error as each starts.
         */
        private record Progress(PrintWriter out, PrintWriter err, boolean json, boolean remote) implements DrillRunner.Progress {
            @Override
            public void started(int index, int total, DrillFile.Case c) {
                if (!remote) return;
                err.println("[" + index + "/" + total + "] " + c.name() + " …");
                err.flush();
            }

            @Override
            public void finished(DrillRunner.Result r) {
                if (json) {
                    try {
                        out.println(Json.MAPPER.writeValueAsString(r));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                } else {
                    out.printf(ROW, r.name(), r.skipped() ? "skip" : r.passed() ? "pass" : "FAIL",
                            r.detectionMs() == null ? "-" : r.detectionMs() + " ms", r.actionMs() == null ? "-" : r.actionMs() + " ms", r.message());
                }
                out.flush();
            }

            @Override
            public void note(String line) {
                err.println(line);
                err.flush();
            }
        }
    }

    @Command(name = "runbook", mixinStandardHelpOptions = true,
            description = "Render the rules, playbooks and drills (default: the built-in packs) as the on-call runbook in Markdown.")
    static final class RunbookCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-o", "--output"}, description = "write to this file instead of standard output")
        Path output;

        @Override
        public Integer call() throws IOException {
            String md = Runbook.defaults();
            if (output == null) spec.commandLine().getOut().print(md);
            else Files.writeString(output, md);
            return 0;
        }
    }
}
