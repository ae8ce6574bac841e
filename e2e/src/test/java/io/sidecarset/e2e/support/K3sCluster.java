package io.sidecarset.e2e.support;

import com.github.dockerjava.api.exception.NotFoundException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * k3s in a Testcontainers container, for machines whose Docker can pull images. Used only when no
 * kubeconfig is given and the k3s image is already present (so that a machine without a registry
 * skips instead of failing on a pull). The product images are copied into k3s's containerd; host
 * network pods listen inside the k3s container, whose traffic ports are published on loopback.
 */
final class K3sCluster implements ClusterFixture, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(K3sCluster.class);

  /** Pod host ports published by the k3s container; the scenarios draw from these. */
  private static final List<Integer> TRAFFIC_PORTS =
      IntStream.rangeClosed(15100, 15119).boxed().toList();

  private final K3sContainer k3s;
  private final KubernetesClient client;
  private final ContainerRuntime runtime;
  private final Deque<Integer> freePorts = new ArrayDeque<>(TRAFFIC_PORTS);

  private K3sCluster(K3sContainer k3s, KubernetesClient client) {
    this.k3s = k3s;
    this.client = client;
    this.runtime = new K3sContainerRuntime(k3s);
  }

  /** True when Docker has the image without pulling it. */
  static boolean imagePresentLocally(String image) {
    try {
      if (!DockerClientFactory.instance().isDockerAvailable()) {
        return false;
      }
      DockerClientFactory.instance().client().inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    } catch (RuntimeException e) {
      LOG.info("Docker not usable for k3s: {}", e.toString());
      return false;
    }
  }

  static K3sCluster start(String image) {
    K3sContainer k3s =
        new K3sContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("rancher/k3s"));
    k3s.addExposedPorts(TRAFFIC_PORTS.stream().mapToInt(Integer::intValue).toArray());
    LOG.info("starting {}", image);
    k3s.start();
    // containerd reports a container's image by the name the pod asked for: a second tag is enough
    ProductImages.PINNED_FROM_BUILT.forEach(
        (pinned, built) ->
            DockerClientFactory.instance()
                .client()
                .tagImageCmd(
                    built,
                    pinned.substring(0, pinned.lastIndexOf(':')),
                    pinned.substring(pinned.lastIndexOf(':') + 1))
                .exec());
    loadImages(k3s, ProductImages.ALL);
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml()))
            .build();
    return new K3sCluster(k3s, client);
  }

  /** docker save → copy into the container → import into k3s's containerd (namespace k8s.io). */
  private static void loadImages(K3sContainer k3s, List<String> images) {
    for (String image : images) {
      Path tar = null;
      try (InputStream saved = DockerClientFactory.instance().client().saveImageCmd(image).exec()) {
        tar = Files.createTempFile("image-", ".tar");
        Files.copy(saved, tar, StandardCopyOption.REPLACE_EXISTING);
        String inside = "/tmp/" + tar.getFileName();
        k3s.copyFileToContainer(MountableFile.forHostPath(tar), inside);
        ExecResult result = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", inside);
        if (result.getExitCode() != 0) {
          throw new IllegalStateException(
              "importing " + image + " into k3s: " + result.getStderr());
        }
        LOG.info("loaded {} into k3s", image);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot load " + image + " into k3s", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        if (tar != null) {
          tar.toFile().delete();
        }
      }
    }
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public String kubeconfigYaml() {
    return k3s.getKubeConfigYaml();
  }

  /** k3s has kube-proxy and a Service network: the chart runs as in any cluster. */
  @Override
  public boolean localMode() {
    return false;
  }

  @Override
  public InetSocketAddress endpoint(int podPort) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), k3s.getMappedPort(podPort));
  }

  /** Docker publishes ports to the container's own address, not its loopback. */
  @Override
  public String podListenHost() {
    return "0.0.0.0";
  }

  @Override
  public synchronized int allocatePort() {
    if (freePorts.isEmpty()) {
      throw new IllegalStateException("all published k3s ports are in use: " + TRAFFIC_PORTS);
    }
    return freePorts.pop();
  }

  @Override
  public ContainerRuntime runtime() {
    return runtime;
  }

  @Override
  public String description() {
    return "k3s " + k3s.getDockerImageName() + " in Testcontainers (" + client.getMasterUrl() + ")";
  }

  @Override
  public void close() {
    client.close();
    k3s.stop();
  }
}
