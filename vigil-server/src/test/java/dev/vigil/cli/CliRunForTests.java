package dev.vigil.cli;

/** The in-process CLI runner, for tests in other packages. */
public final class CliRunForTests {
    private final CliRun cli = new CliRun();
    public final java.io.StringWriter out = cli.out;
    public final java.io.StringWriter err = cli.err;

    public int run(String... args) {
        return cli.run(args);
    }
}
