package io.sidecarset.e2e.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster the scenarios run against, shared by the whole suite (one per JVM).
 *
 * <p>Chosen in this order:
 *
 * <ol>
 *   <li>a kubeconfig, from {@code -Dsidecarset.kubeconfig} or the {@code KUBECONFIG} env var: the
 *       local single-node cluster of {@code e2e/cluster/local-cluster.sh} (its node is this
 *       machine, pods use the host network, traffic goes to 127.0.0.1, Docker runs the pods);
 *   <li>otherwise k3s in Testcontainers, if Docker already has the k3s image ({@code
 *       -Dsidecarset.k3s.image}); the product images are loaded into it;
 *   <li>otherwise every scenario class is <em>skipped</em> ({@link ClusterCondition}: reported as
 *       skipped, never as passed), naming what is missing.
 * </ol>
 *
 * <p>Pods in every mode use {@code hostNetwork: true} and {@code imagePullPolicy: Never}, so a
 * pod's port is reached at {@link #endpoint(int)}, on loopback.
 */
public interface ClusterFixture {

  /** A client with the cluster-admin kubeconfig. */
  KubernetesClient client();

  /** The kubeconfig, for Helm. */
  String kubeconfigYaml();

  /**
   * True when the platform chart must run in local mode (host network, webhook called by URL on
   * 127.0.0.1, no kube-proxy).
   */
  boolean localMode();

  /** Where this JVM reaches a port that a host-network pod listens on (always loopback). */
  InetSocketAddress endpoint(int podPort);

  /**
   * The address a host-network pod's server binds to so that {@link #endpoint(int)} reaches it:
   * 127.0.0.1 where the node is this machine, all addresses inside a container whose ports are
   * published.
   */
  String podListenHost();

  /** A port no other pod of the suite listens on, for a host-network pod. */
  int allocatePort();

  /** The container engine under the kubelet. */
  ContainerRuntime runtime();

  /** One line for logs and reports. */
  String description();

  /**
   * The suite's cluster, connected on first use.
   *
   * @throws org.opentest4j.TestAbortedException when no cluster is available (the scenarios are
   *     then reported as skipped)
   */
  static ClusterFixture shared() {
    return Shared.get();
  }

  /** Holds the one cluster of the JVM. */
  final class Shared {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterFixture.class);
    private static ClusterFixture cluster;
    private static String unavailable;

    private Shared() {}

    static synchronized ClusterFixture get() {
      Assumptions.assumeTrue(available(), () -> unavailable);
      return cluster;
    }

    /** Connects on the first call; false (with {@link #reason()}) when there is no cluster. */
    static synchronized boolean available() {
      if (cluster == null && unavailable == null) {
        var kubeconfig = E2eSettings.kubeconfig();
        String k3sImage = E2eSettings.k3sImage();
        if (kubeconfig.isPresent()) {
          cluster = KubeconfigCluster.connect(kubeconfig.get());
        } else if (K3sCluster.imagePresentLocally(k3sImage)) {
          K3sCluster k3s = K3sCluster.start(k3sImage);
          Runtime.getRuntime().addShutdownHook(new Thread(k3s::close, "k3s-stop"));
          cluster = k3s;
        } else {
          unavailable =
              "no cluster for the e2e suite: set -D"
                  + E2eSettings.KUBECONFIG
                  + " or KUBECONFIG (e.g. to $(e2e/cluster/local-cluster.sh kubeconfig)), or make"
                  + " the k3s image "
                  + k3sImage
                  + " available to Docker";
          LOG.warn(unavailable);
          return false;
        }
        LOG.info("e2e cluster: {}", cluster.description());
      }
      return cluster != null;
    }

    static synchronized String reason() {
      return unavailable;
    }
  }
}
