package dev.vigil.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command. */
@Command(name = "vigil",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Incident response for fleets of AI agents.",
        subcommands = {ServeCommand.class, RulesCommand.class, ReplayCommand.class, DrillCommand.class, DemoCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        CommandLine cmd = commandLine();
        int code = cmd.execute(args);
        // System.exit does not flush: output written with print (not println) would be lost when piped.
        cmd.getOut().flush();
        cmd.getErr().flush();
        System.exit(code);
    }

    /** One writer for stdout and one for stderr, shared by every subcommand, so main can flush them before exiting. */
    static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true))
                .setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/vigil-version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"vigil " + p.getProperty("version", "unknown") + " (Java " + Runtime.version() + ")"};
        }
    }
}
