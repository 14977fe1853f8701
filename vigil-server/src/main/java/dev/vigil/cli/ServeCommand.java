package dev.vigil.cli;

import dev.vigil.config.ConfigException;
import dev.vigil.config.VigilConfig;
import dev.vigil.server.VigilServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil serve}: runs the server until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Vigil server (embedded SQLite by default).")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", description = "HTTP port (default: 8080, or server.port in the config)")
    Integer port;

    @Option(names = "--bind", description = "address to listen on (default: 127.0.0.1)")
    String bind;

    @Option(names = "--data", description = "data directory for the embedded database and generated credentials (default: ./vigil-data)")
    Path data;

    @Option(names = "--db", description = "JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/vigil?user=vigil (default: SQLite in the data directory)")
    String db;

    @Option(names = "--config", description = "configuration file (default: ./vigil.yaml if it exists)")
    Path config;

    @Option(names = "--log-format", description = "console (default) or json")
    String logFormat;

    @Override
    public Integer call() throws Exception {
        VigilConfig cfg;
        try {
            cfg = effectiveConfig();
            Logging.configure(cfg.log().format());
        } catch (ConfigException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("vigil: configuration error: " + e.getMessage());
            return 2;
        }
        VigilServer server;
        try {
            server = VigilServer.start(cfg, Clock.systemUTC(), System.getenv());
        } catch (VigilServer.InvalidRulesException e) {
            spec.commandLine().getErr().println("vigil: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "vigil-shutdown"));
        stopped.await();
        return 0;
    }

    VigilConfig effectiveConfig() {
        VigilConfig loaded = Configs.load(config);
        VigilConfig.Server s = loaded.server();
        VigilConfig.Server server = new VigilConfig.Server(
                port != null ? port : s.port(),
                bind != null ? bind : s.bind(),
                data != null ? data : s.data(),
                db != null ? db : s.db());
        VigilConfig.Log logCfg = logFormat != null ? new VigilConfig.Log(logFormat) : loaded.log();
        return loaded.withServer(server).withLog(logCfg);
    }
}
