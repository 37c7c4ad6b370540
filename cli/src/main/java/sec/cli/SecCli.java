package sec.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sec}: the command line of the project. Subcommands are added as their issues land. */
@Command(name = "sec", mixinStandardHelpOptions = true, version = "sec 0.1.0",
        description = "Streaming edge-cloud speech-emotion captioning.",
        subcommands = {CaptionCommand.class, DemoCommand.class, sec.cli.eval.EvalCommand.class,
                sec.cli.eval.CalibrateCommand.class, BenchCommand.class, sec.cli.cluster.TopicsCommand.class,
                sec.cli.cluster.ProduceCommand.class, sec.cli.cluster.CaptionsCommand.class, sec.cli.models.ModelsCommand.class,
                sec.cli.cluster.SubmitCommand.Edge.class, sec.cli.cluster.SubmitCommand.Cloud.class,
                sec.cli.dashboard.DashboardCommand.class, sec.cli.drill.DrillCommand.class})
public final class SecCli implements Runnable {
    /** The repository's models folder (./sec passes it as -Dsec.models.dir). */
    public static java.nio.file.Path modelsDir() {
        return java.nio.file.Path.of(System.getProperty("sec.models.dir", "models"));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs a command line with the given output streams and returns its exit code (tests call this). */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new SecCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println("error: " + ex.getMessage());
            return 2;
        });
        return cli.execute(args);
    }
}
