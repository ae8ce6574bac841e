package io.sidecarset.webhook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private etcd + kube-apiserver from {@code e2e/cluster/bare-apiserver.sh} (Kubernetes built from
 * Debian's source package, cached; the first build takes minutes). No kubelet, no scheduler: pods
 * are stored, never run, which is all admission needs.
 */
public final class BareApiServer implements AutoCloseable {

  private static final Path SCRIPT = Path.of("..", "e2e", "cluster", "bare-apiserver.sh");
  private static final long START_MINUTES = 20;

  private final Path dir;
  private final Path kubeconfig;

  private BareApiServer(Path dir, Path kubeconfig) {
    this.dir = dir;
    this.kubeconfig = kubeconfig;
  }

  /** Starts one in {@code dir} and waits for it to be ready. */
  public static BareApiServer start(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path log = dir.resolveSibling(dir.getFileName() + "-start.log");
    Process process =
        new ProcessBuilder(SCRIPT.toString(), "start", dir.toAbsolutePath().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!process.waitFor(START_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("bare-apiserver.sh did not finish in time; see " + log);
    }
    List<String> output = Files.readAllLines(log, StandardCharsets.UTF_8);
    if (process.exitValue() != 0 || output.isEmpty()) {
      throw new IllegalStateException(
          "bare-apiserver.sh failed (" + process.exitValue() + "): " + String.join("\n", output));
    }
    Path kubeconfig = Path.of(output.get(output.size() - 1).trim());
    if (!Files.isReadable(kubeconfig)) {
      throw new IllegalStateException("no kubeconfig at " + kubeconfig + "; see " + log);
    }
    return new BareApiServer(dir, kubeconfig);
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    Process stop =
        new ProcessBuilder(SCRIPT.toString(), "stop", dir.toAbsolutePath().toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolveSibling(dir.getFileName() + "-stop.log").toFile())
            .start();
    if (!stop.waitFor(2, TimeUnit.MINUTES)) {
      stop.destroyForcibly();
    }
  }
}
