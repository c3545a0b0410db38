package dev.tcptune.bench;

/**
 * Closes a resource also when the JVM is stopped (Ctrl-C, SIGTERM) before the benchmark's own
 * try-with-resources would: a control plane, agents or namespaces must not outlive a benchmark.
 */
public final class OnExit implements AutoCloseable {

  private final Thread hook;

  private OnExit(AutoCloseable resource) {
    this.hook =
        new Thread(
            () -> {
              try {
                resource.close();
              } catch (Exception e) {
                System.err.println("closing " + resource + " at exit failed: " + e);
              }
            },
            "bench-on-exit");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Registers {@code resource}; {@link #close} withdraws the registration once it was closed. */
  public static OnExit close(AutoCloseable resource) {
    return new OnExit(resource);
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to.
    }
  }
}
