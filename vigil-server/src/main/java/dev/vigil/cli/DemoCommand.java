package dev.vigil.cli;

import dev.vigil.auth.Credentials;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.demo.DemoFleet;
import dev.vigil.server.VigilServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil demo}: Vigil on the embedded defaults with a simulated, misbehaving fleet. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start Vigil with a simulated fleet that misbehaves in every way the default rules detect.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--data", defaultValue = "vigil-demo", description = "data directory (default: ${DEFAULT-VALUE})")
    Path data;

    @Override
    public Integer call() throws Exception {
        String operator = System.getenv().getOrDefault("VIGIL_OPERATOR_KEY", Credentials.newKey("op"));
        String fleetKey = Credentials.newKey("demo");
        VigilConfig config = ConfigLoader.parse("demo", DemoFleet.REGISTRY).withServer(new VigilConfig.Server(port, "127.0.0.1", data, null));
        VigilServer server = VigilServer.start(config, Clock.systemUTC(), Map.of("VIGIL_OPERATOR_KEY", operator, "VIGIL_ADMIN_KEY", fleetKey));
        String url = "http://127.0.0.1:" + server.port();
        spec.commandLine().getOut().printf("""

                Vigil demo running at %s
                Operator key: %s
                Dashboard: open %s/ and sign in with the operator key, or use the API:
                  curl -s %s/v1/incidents -H "Authorization: Bearer %s"
                  curl -s %s/v1/agents -H "Authorization: Bearer %s"
                A simulated fleet misbehaves every 5 minutes: within a minute there is an incident of every
                default rule but agent-silent, which needs 10 quiet minutes.
                Press Ctrl-C to stop.
                %n""", url, operator, url, url, operator, url, operator);
        spec.commandLine().getOut().flush();
        DemoFleet fleet = new DemoFleet(url, fleetKey, Instant::now);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "vigil-demo-shutdown"));
        long start = System.nanoTime();
        for (long second = 0; ; second++) {
            fleet.step(second);
            long next = start + (second + 1) * 1_000_000_000L;
            Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000)); // the demo runs in real time for the person watching
        }
    }
}
