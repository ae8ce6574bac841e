package io.sidecarset.controller;

import io.sidecarset.api.ControllerEnv;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The shaded controller jar run as its own process with the JVM flags of the image, so tests can
 * kill it with SIGKILL and read its resident memory from /proc.
 */
final class ControllerProcess implements AutoCloseable {

  /** The JVM flags of the Jib image (controller/pom.xml). */
  static final List<String> IMAGE_JVM_FLAGS =
      List.of(
          "-XX:+UseSerialGC",
          "-Xms32m",
          "-Xmx112m",
          "-Xss512k",
          "-XX:MaxMetaspaceSize=80m",
          "-XX:ReservedCodeCacheSize=32m",
          "-XX:TieredStopAtLevel=1");

  private final Process process;
  final Path log;
  final int httpPort;

  private ControllerProcess(Process process, Path log, int httpPort) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
  }

  static ControllerProcess start(
      Path kubeconfig, String identity, String leaseNamespace, String logName) throws IOException {
    String jar = System.getProperty("controller.jar");
    if (jar == null || !new File(jar).exists()) {
      throw new IllegalStateException(
          "no shaded controller jar at " + jar + " (run mvn package first)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String override = System.getProperty("controller.jvm.flags", "").trim();
    command.addAll(override.isEmpty() ? IMAGE_JVM_FLAGS : List.of(override.split("\\s+")));
    command.add("-jar");
    command.add(jar);
    Path log = Path.of("target", logName).toAbsolutePath();
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put(ControllerEnv.POD_NAME, identity);
    env.put(ControllerEnv.LEASE_NAMESPACE, leaseNamespace);
    env.put(ControllerEnv.HTTP_ADDRESS, "127.0.0.1");
    env.put(ControllerEnv.HTTP_PORT, Integer.toString(port));
    return new ControllerProcess(pb.start(), log, port);
  }

  long pid() {
    return process.pid();
  }

  /** Resident memory now (VmRSS), in MiB. */
  double residentMiB() {
    return procStatusKib("VmRSS:") / 1024.0;
  }

  /** The highest resident memory so far (VmHWM), in MiB. */
  double peakResidentMiB() {
    return procStatusKib("VmHWM:") / 1024.0;
  }

  private long procStatusKib(String field) {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc of the controller", e);
    }
    throw new IllegalStateException(field + " not in /proc/" + process.pid() + "/status");
  }

  String logText() throws IOException {
    return Files.readString(log);
  }

  /**
   * SIGTERM, as the kubelet stops a container, then waits up to {@code bound}: the exit code, or
   * empty if the process is still running.
   */
  OptionalInt terminate(Duration bound) throws InterruptedException {
    process.destroy();
    return waitForExit(bound);
  }

  /** The exit code once the process ends within {@code bound}, or empty if it still runs. */
  OptionalInt waitForExit(Duration bound) throws InterruptedException {
    return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)
        ? OptionalInt.of(process.exitValue())
        : OptionalInt.empty();
  }

  /** SIGKILL: no shutdown hook, no lease release, no goodbye. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
