package io.sidecarset.e2e.support;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A cluster reached through a kubeconfig whose single node is this machine: the local cluster of
 * {@code e2e/cluster/local-cluster.sh} (no kube-proxy, so the chart runs in local mode).
 */
final class KubeconfigCluster implements ClusterFixture {

  /** Host ports handed to the scenarios' pods: clear of the platform's and the images' defaults. */
  private static final int FIRST_PORT = 15100;

  private static final int LAST_PORT = 15999;

  private final Path kubeconfig;
  private final String kubeconfigYaml;
  private final KubernetesClient client;
  private final ContainerRuntime runtime = new DockerContainerRuntime();
  private final Set<Integer> handedOut = new HashSet<>();
  private int nextPort = FIRST_PORT;

  private KubeconfigCluster(Path kubeconfig, String kubeconfigYaml, KubernetesClient client) {
    this.kubeconfig = kubeconfig;
    this.kubeconfigYaml = kubeconfigYaml;
    this.client = client;
  }

  static KubeconfigCluster connect(Path kubeconfig) {
    try {
      String yaml = Files.readString(kubeconfig);
      Config config = Config.fromKubeconfig(yaml);
      config.setRequestTimeout(30_000);
      KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
      KubeconfigCluster cluster = new KubeconfigCluster(kubeconfig, yaml, client);
      cluster.pinImages();
      return cluster;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig, e);
    }
  }

  /**
   * Pins the built images to the suite's own tags (see {@link ProductImages}); a missing built
   * image is left for {@link PlatformInstaller} to report with the build command.
   */
  private void pinImages() {
    List<String> missing =
        runtime.missingImages(List.copyOf(ProductImages.PINNED_FROM_BUILT.values()));
    ProductImages.PINNED_FROM_BUILT.forEach(
        (pinned, built) -> {
          if (!missing.contains(built)) {
            runtime.pin(built, pinned);
          }
        });
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public String kubeconfigYaml() {
    return kubeconfigYaml;
  }

  @Override
  public boolean localMode() {
    return true;
  }

  @Override
  public InetSocketAddress endpoint(int podPort) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), podPort);
  }

  @Override
  public String podListenHost() {
    return "127.0.0.1";
  }

  @Override
  public synchronized int allocatePort() {
    while (nextPort <= LAST_PORT) {
      int candidate = nextPort++;
      if (!handedOut.contains(candidate) && isFree(candidate)) {
        handedOut.add(candidate);
        return candidate;
      }
    }
    throw new IllegalStateException("no free port left in " + FIRST_PORT + ".." + LAST_PORT);
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public ContainerRuntime runtime() {
    return runtime;
  }

  @Override
  public String description() {
    return "kubeconfig "
        + kubeconfig
        + " ("
        + client.getMasterUrl()
        + ", Kubernetes "
        + client.getKubernetesVersion().getGitVersion()
        + ", local mode)";
  }
}
