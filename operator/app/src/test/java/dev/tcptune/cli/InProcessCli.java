package dev.tcptune.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** tcptune's command line run in the test's JVM, as a user types it, with its output captured. */
public final class InProcessCli {

  private InProcessCli() {}

  /** Runs {@code args}; what the command prints goes to {@code out} and {@code err}. */
  public static int run(StringWriter out, StringWriter err, String... args) {
    CommandLine cli = TcpTuneCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }
}
