package dev.vigil.cli;

import dev.vigil.config.ConfigException;
import dev.vigil.config.VigilConfig;
import dev.vigil.rule.Rule;
import dev.vigil.rule.RuleError;
import dev.vigil.rule.RuleParser;
import dev.vigil.rule.RuleSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil rules check FILE...} and {@code vigil rules list}. */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Check and list detection rules.",
        subcommands = {RulesCommand.Check.class, RulesCommand.ListRules.class})
final class RulesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate rule files; exit 0 when all are valid, 1 otherwise, printing every error with file, rule and field.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE")
        List<Path> files;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int errors = 0;
            for (Path file : files) {
                RuleParser.Result r;
                try {
                    r = RuleParser.parse(file.toString(), Files.readString(file));
                } catch (IOException e) {
                    err.println(file + ": cannot read: " + e.getMessage());
                    errors++;
                    continue;
                }
                for (RuleError e : r.errors()) err.println(e);
                errors += r.errors().size();
                if (r.errors().isEmpty()) out.println(file + ": ok, " + r.rules().size() + " rules");
            }
            if (errors > 0) err.println(errors + (errors == 1 ? " error" : " errors"));
            return errors == 0 ? 0 : 1;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the rules a server with this configuration would run: the default pack plus the config's rule files.")
    static final class ListRules implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", description = "configuration file (default: ./vigil.yaml if it exists)")
        Path config;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            VigilConfig cfg;
            try {
                cfg = Configs.load(config);
            } catch (ConfigException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("vigil: configuration error: " + e.getMessage());
                return 2;
            }
            RuleSet.Loaded loaded = RuleSet.load(cfg.rules());
            if (!loaded.ok()) {
                loaded.errors().forEach(spec.commandLine().getErr()::println);
                return 1;
            }
            out.printf("%-34s %-9s %-15s %-8s %s%n", "ID", "SEVERITY", "CATEGORY", "ENABLED", "SOURCE");
            for (Rule r : loaded.rules().all()) {
                out.printf("%-34s %-9s %-15s %-8s %s%n", r.id(), r.severity().wire(), r.category().wire(),
                        r.enabled() ? "yes" : "no", r.source());
                out.printf("    %s%n", r.title());
                if (r.example() != null) out.printf("    e.g. %s%n", r.example());
            }
            return 0;
        }
    }
}
