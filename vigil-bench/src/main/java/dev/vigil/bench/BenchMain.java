package dev.vigil.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar vigil-bench.jar load ...} drives a running server; {@code jmh ...} runs the JMH benchmarks. */
@Command(name = "vigil-bench", mixinStandardHelpOptions = true,
        description = "Vigil's load generator and JMH benchmarks.",
        subcommands = {LoadGenerator.class, PauseLatency.class, BenchMain.Jmh.class})
public final class BenchMain implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    @Command(name = "jmh", description = "Run the JMH benchmarks; arguments go to JMH (e.g. a benchmark regex, -f 1 -wi 3 -i 5).")
    static final class Jmh implements Runnable {
        /** Everything after {@code jmh}, options included, belongs to JMH. */
        @CommandLine.Unmatched
        String[] args = new String[0];

        @Override
        public void run() {
            try {
                org.openjdk.jmh.Main.main(args);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
