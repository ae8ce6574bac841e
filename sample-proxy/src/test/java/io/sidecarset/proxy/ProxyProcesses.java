package io.sidecarset.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sidecarset.api.SampleProxyContract;
import io.sidecarset.api.SidecarSetEnv;
import io.sidecarset.loadgen.LoadRun;
import io.sidecarset.loadgen.LoadSpec;
import io.sidecarset.loadgen.TrafficMix;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test fixture: runs the echo app and proxy processes from the shaded jar on loopback, each with
 * its log file in a temporary directory that also serves as the run directory (handoff socket,
 * state files). Every process it started is killed on {@link #close()}.
 */
final class ProxyProcesses implements AutoCloseable {

  /** The image's JVM flag file, so that memory and GC behave as in a pod. */
  static final Path JVM_OPTIONS =
      Path.of(
              System.getProperty(
                  "proxy.jvm.options", "src/main/jib/opt/sidecarset/jvm/proxy.options"))
          .toAbsolutePath();

  /** Netty's sampling leak detector: cheap enough to run under the load tests. */
  static final String LEAK_DETECTION_LEVEL = "simple";

  static final String LEAK_MARKER = "LEAK:";

  private final Path dir;
  private final Path jar;
  private final List<ManagedProcess> started = new java.util.concurrent.CopyOnWriteArrayList<>();

  ProxyProcesses(Path dir) {
    this.dir = dir;
    // a test JVM stopped by a timeout or a signal must not leave proxies behind
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "kill-test-processes"));
    this.jar =
        Path.of(System.getProperty("sample-proxy.jar", "target/sample-proxy.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run mvn package first");
    }
  }

  /**
   * A fresh directory under {@code target/it-work} for one test (kept afterwards: the process logs
   * are the evidence when a test fails), or under {@code /tmp} when the checkout is too deep for a
   * Unix socket path.
   */
  static Path workDir(org.junit.jupiter.api.TestInfo test) throws IOException {
    String name =
        test.getTestClass().map(Class::getSimpleName).orElse("it")
            + "-"
            + test.getTestMethod().map(m -> Integer.toHexString(m.getName().hashCode())).orElse("x")
            + "-"
            + Long.toString(System.currentTimeMillis() % 10_000_000, 36);
    Path dir = Path.of("target", "it-work", name).toAbsolutePath();
    if (!ProxyOptions.fitsSocketPath(dir.resolve(SampleProxyContract.HANDOFF_SOCKET_NAME))) {
      // A deep checkout: the sockets would not fit, so the run directory moves to /tmp.
      dir = Files.createTempDirectory(Path.of("/tmp"), "sp-it-");
      System.err.println(test.getDisplayName() + ": work directory " + dir);
    } else {
      Files.createDirectories(dir);
    }
    return dir;
  }

  Path runDir() {
    return dir;
  }

  Path handoffSocket() {
    return dir.resolve(SampleProxyContract.HANDOFF_SOCKET_NAME);
  }

  /**
   * The ITs' open-loop load on {@code port}: 60 % keep-alive (32 connections), 20 % a new
   * connection per request, 20 % h2c streams (2 connections), no retries.
   */
  static LoadSpec mixedLoad(
      int port, String path, double rate, Duration duration, Duration timeout) {
    return LoadSpec.builder()
        .target("127.0.0.1", port)
        .path(path)
        .ratePerSecond(rate)
        .duration(duration)
        .mix(TrafficMix.of(60, 20, 20))
        .keepAliveConnections(32)
        .h2Connections(2)
        .requestTimeout(timeout)
        .build();
  }

  /**
   * Fails the test when the load run has already dropped requests before the event under test
   * ({@code before}): then the machine cannot carry the load now, and a drop later would prove
   * nothing about the proxy.
   */
  static void assertNothingDroppedBefore(String before, LoadRun run) throws IOException {
    assertThat(run.progress().dropped())
        .as(
            "dropped before any %s: this machine cannot carry the load now (load average %s)",
            before, Files.readString(Path.of("/proc/loadavg")).trim())
        .isZero();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  ManagedProcess startEcho(int port) throws IOException {
    ManagedProcess p =
        start("echo", List.of(), List.of("echo", "--listen", "127.0.0.1:" + port), Map.of());
    p.awaitLog("listening on", Duration.ofSeconds(60));
    return p;
  }

  /**
   * Starts a proxy the way the controller starts a slot: {@code SIDECARSET_VERSION = version},
   * {@code SIDECARSET_VERSION_ALT = alt}, {@code PROXY_VERSION = label}. Returns at once.
   */
  ManagedProcess startProxy(
      String name,
      int version,
      int alt,
      String label,
      int port,
      int upstreamPort,
      List<String> extraArgs,
      List<String> extraJvmFlags)
      throws IOException {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "proxy",
            "--listen",
            "127.0.0.1:" + port,
            "--upstream",
            "127.0.0.1:" + upstreamPort,
            "--handoff-socket",
            handoffSocket().toString()));
    args.addAll(extraArgs);
    Map<String, String> env = new TreeMap<>();
    env.put(SidecarSetEnv.SIDECARSET_VERSION, Integer.toString(version));
    env.put(SidecarSetEnv.SIDECARSET_VERSION_ALT, Integer.toString(alt));
    env.put(SampleProxyContract.PROXY_VERSION_ENV, label);
    env.put(SampleProxyContract.RUN_DIR_ENV, dir.toString());
    return start(name, extraJvmFlags, args, env);
  }

  private ManagedProcess start(
      String name, List<String> extraJvmFlags, List<String> args, Map<String, String> env)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("@" + JVM_OPTIONS);
    // after the file: native libraries go to this test's directory instead of the image's /tmp
    cmd.add("-Djava.io.tmpdir=" + dir);
    cmd.add("-Dio.netty.native.workdir=" + dir);
    cmd.add("-Dorg.newsclub.net.unix.library.tmpdir=" + dir);
    // the image runs without Netty's leak detector (it costs the h2c path a tenth of its
    // throughput); the tests turn it back on, and close() fails on any leak it reported
    cmd.add("-Dio.netty.leakDetection.level=" + LEAK_DETECTION_LEVEL);
    cmd.addAll(extraJvmFlags);
    cmd.add("-cp");
    cmd.add(jar.toString());
    cmd.add(ProxyMain.class.getName());
    cmd.addAll(args);
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove(SidecarSetEnv.SIDECARSET_VERSION);
    pb.environment().remove(SidecarSetEnv.SIDECARSET_VERSION_ALT);
    pb.environment().putAll(env);
    ManagedProcess p = new ManagedProcess(name, pb.start(), log);
    started.add(p);
    return p;
  }

  /** The state file line of a slot version ({@code serving <pid> <start>}), or "" if none. */
  String state(int version) throws IOException {
    Path f = dir.resolve("state-v" + version);
    return Files.exists(f) ? Files.readString(f).trim() : "";
  }

  /** Waits until the state file of {@code version} starts with {@code prefix}; returns the line. */
  String awaitState(int version, String prefix, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String line;
    while (!(line = state(version)).startsWith(prefix)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "state-v" + version + " is '" + line + "', not '" + prefix + "...' after " + timeout);
      }
      Thread.sleep(20);
    }
    return line;
  }

  /**
   * Kills every process started here, then fails if one of them reported a leaked buffer (Netty
   * logs {@value #LEAK_MARKER} when a tracked buffer is collected without having been released).
   */
  @Override
  public void close() {
    for (ManagedProcess p : started) {
      p.kill();
    }
    List<String> leaks = new ArrayList<>();
    for (ManagedProcess p : started) {
      p.log().lines().filter(l -> l.contains(LEAK_MARKER)).forEach(l -> leaks.add(p + ": " + l));
    }
    if (!leaks.isEmpty()) {
      throw new AssertionError("leaked Netty buffers:\n" + String.join("\n", leaks));
    }
  }
}
