package dev.tcptune.kernel.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The real {@link CommandRunner}: {@link ProcessBuilder} with an argv list (never {@code sh -c}),
 * stdout and stderr drained concurrently so a chatty command cannot block, and a hard timeout so a
 * hung {@code ip} cannot hang the agent.
 */
public final class ProcessCommandRunner implements CommandRunner {

  /** Generous for {@code ip}, {@code ss}, {@code cat}; tight enough to notice a hang. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final Duration timeout;

  /** A runner with {@link #DEFAULT_TIMEOUT}. */
  public ProcessCommandRunner() {
    this(DEFAULT_TIMEOUT);
  }

  /** A runner that kills commands running longer than {@code timeout}. */
  public ProcessCommandRunner(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " must be positive");
    }
  }

  @Override
  public CommandResult run(List<String> argv, String stdin) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv: an empty command cannot be run");
    }
    Process process;
    try {
      process = new ProcessBuilder(argv).start();
    } catch (IOException e) {
      throw new CommandFailedException(
          "command " + String.join(" ", argv) + " could not be started: " + e.getMessage(), e);
    }
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    try {
      try (OutputStream in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        // The command may exit before reading stdin; its exit code and stderr tell the story.
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new CommandFailedException(
            "command " + String.join(" ", argv) + " timed out after " + timeout.toMillis() + " ms");
      }
      return new CommandResult(argv, process.exitValue(), out.get(), err.get());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new CommandFailedException("command " + String.join(" ", argv) + " was interrupted", e);
    } catch (ExecutionException e) {
      throw new CommandFailedException(
          "command " + String.join(" ", argv) + ": reading its output failed", e.getCause());
    }
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }
}
