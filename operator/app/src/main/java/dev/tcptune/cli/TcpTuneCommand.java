package dev.tcptune.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The single entry point of the jar: each process of tcptune is a subcommand. */
@Command(
    name = "tcptune",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Declarative TCP tuning of Kubernetes nodes.",
    subcommands = {
      AgentCommand.class,
      AuditCommand.class,
      DemoCommand.class,
      ExplainCommand.class,
      OperatorCommand.class,
      ValidateCommand.class,
      CommandLine.HelpCommand.class
    })
public final class TcpTuneCommand {

  /** Exit code for a machine that matches its profile. */
  public static final int IN_SYNC = 0;

  /** Exit code for drift: at least one setting differs or could not be read. */
  public static final int DRIFT = 1;

  /** Exit code for bad input or a failure to run (picocli uses it for usage errors too). */
  public static final int ERROR = 2;

  public static void main(String[] args) {
    int code;
    try {
      code = commandLine().execute(args);
    } catch (VirtualMachineError e) {
      // Not a stack trace and exit 1, which audit uses for drift: a failure to run is 2.
      System.err.println("error: the JVM failed: " + e.getMessage());
      code = ERROR;
    }
    System.exit(code);
  }

  /** The configured command line, shared by main and tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new TcpTuneCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              cmd.getErr().println("error: " + e.getMessage());
              return ERROR;
            });
  }
}
