package dev.tcptune.bench.kernel;

import dev.tcptune.kernel.exec.NetworkNamespace;
import dev.tcptune.kernel.exec.ProcFiles;
import dev.tcptune.kernel.exec.ProcessCommandRunner;
import dev.tcptune.kernel.stats.SocketSnapshot;
import dev.tcptune.kernel.stats.SocketStatsReader;
import dev.tcptune.kernel.stats.TcpState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Item 2 of docs/benchmarks.md: one statistics sample of the agent ({@link SocketStatsReader}) with
 * {@link #timeWait} TIME_WAIT and 100 CLOSE_WAIT sockets in the namespace, against {@code ss -s}
 * plus {@code ss -tan state close-wait}, and reading /proc/net/tcp whole (what a reader that lists
 * every socket pays). TIME_WAIT lasts 60 s, so a trial must be shorter than that.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StatsBenchmark {

  static final int CLOSE_WAIT = 100;

  /** The benchmark methods, each run in a namespace of its own. */
  static final List<String> METHODS =
      List.of("tcptuneSample", "ssSummaryPlusCloseWait", "procNetTcpWhole");

  @Param({"1000"})
  public int timeWait;

  private SocketLoad load;
  private SocketStatsReader reader;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    InsideNamespace.require();
    // Room for every socket: more TIME_WAIT buckets and the whole port range.
    Files.writeString(Path.of("/proc/sys/net/ipv4/tcp_max_tw_buckets"), "262144");
    Files.writeString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"), "1024 65535");
    long start = System.nanoTime();
    load = SocketLoad.create(timeWait, CLOSE_WAIT);
    reader =
        new SocketStatsReader(
            NetworkNamespace.current(), new ProcessCommandRunner(), Clock.systemUTC());
    SocketSnapshot snapshot = reader.sample();
    System.out.printf(
        "%n[stats] %d TIME_WAIT and %d CLOSE_WAIT in the namespace (made in %d ms)%n",
        snapshot.states().get(TcpState.TIME_WAIT),
        snapshot.states().get(TcpState.CLOSE_WAIT),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    load.close();
  }

  @Benchmark
  public SocketSnapshot tcptuneSample() {
    return reader.sample();
  }

  @Benchmark
  public int ssSummaryPlusCloseWait() throws Exception {
    return exec(List.of("ss", "-s")) + exec(List.of("ss", "-tan", "state", "close-wait"));
  }

  @Benchmark
  public int procNetTcpWhole() throws IOException {
    return ProcFiles.read(Path.of("/proc/net/tcp")).length();
  }

  private static int exec(List<String> argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    int bytes = p.getInputStream().readAllBytes().length;
    if (p.waitFor() != 0) {
      throw new IllegalStateException(argv + " failed");
    }
    return bytes;
  }
}
