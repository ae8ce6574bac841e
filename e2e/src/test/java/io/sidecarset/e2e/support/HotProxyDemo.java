package io.sidecarset.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.sidecarset.api.HotUpgradeSlots;
import io.sidecarset.api.v1alpha1.SidecarSet;
import java.util.List;
import java.util.Map;

/**
 * The demo workload of the hot-upgrade scenarios: in a namespace of its own, a Deployment of one
 * demo-app pod, and a SidecarSet that injects the sample proxy into it as a HotUpgrade sidecar,
 * each on host ports the cluster handed out. {@link #close()} removes it all.
 */
public final class HotProxyDemo implements AutoCloseable {

  private final SidecarSetTester tester;
  private final String namespace;
  private final String sidecarSet;
  private final Map<String, String> labels;
  private final int proxyPort;
  private final int appPort;

  private HotProxyDemo(
      SidecarSetTester tester,
      String namespace,
      String sidecarSet,
      Map<String, String> labels,
      int proxyPort,
      int appPort) {
    this.tester = tester;
    this.namespace = namespace;
    this.sidecarSet = sidecarSet;
    this.labels = labels;
    this.proxyPort = proxyPort;
    this.appPort = appPort;
  }

  /**
   * Creates the SidecarSet (proxy v1, {@code hotUpgradeTimeoutSeconds}), then the Deployment, and
   * waits until the pod is Ready with the proxy injected and the set counts it.
   */
  public static HotProxyDemo start(
      SidecarSetTester tester, String name, int hotUpgradeTimeoutSeconds) {
    ClusterFixture cluster = tester.cluster();
    String namespace = tester.createNamespace(name, Map.of());
    int proxyPort = cluster.allocatePort();
    int appPort = cluster.allocatePort();
    Map<String, String> labels = TestWorkloads.appLabels(name);
    String setName = "e2e-" + name + "-" + namespace.substring(namespace.lastIndexOf('-') + 1);
    SidecarSet set =
        TestWorkloads.sidecarSet(
            setName,
            namespace,
            labels,
            TestWorkloads.hotProxy(
                ProductImages.PROXY_V1, cluster.podListenHost(), proxyPort, appPort));
    set.getSpec().setUpdateStrategy(TestWorkloads.updateStrategy(1, hotUpgradeTimeoutSeconds));
    tester.create(set);
    var deployment =
        TestWorkloads.appDeployment(namespace, name, labels, cluster.podListenHost(), appPort);
    tester.awaitWebhookInjects(
        TestWorkloads.podOf(deployment, name + "-probe"),
        HotUpgradeSlots.both(TestWorkloads.PROXY).toArray(String[]::new));
    tester.create(deployment);
    HotProxyDemo demo = new HotProxyDemo(tester, namespace, setName, labels, proxyPort, appPort);
    tester.awaitReadyPods(namespace, labels, 1);
    tester.awaitRolledOut(setName, 1);
    return demo;
  }

  public String namespace() {
    return namespace;
  }

  public String sidecarSet() {
    return sidecarSet;
  }

  public Map<String, String> labels() {
    return labels;
  }

  public int proxyPort() {
    return proxyPort;
  }

  public int appPort() {
    return appPort;
  }

  /** The one pod of the demo. */
  public Pod pod() {
    List<Pod> pods = tester.pods(namespace, labels);
    if (pods.size() != 1) {
      throw new IllegalStateException("expected one demo pod, found " + pods.size());
    }
    return pods.get(0);
  }

  /** The target of a {@link HotUpgradeRun} that upgrades v1 → v2 → v1 … */
  public HotUpgradeRun.Target upgradeTarget() {
    return new HotUpgradeRun.Target(
        namespace,
        labels,
        sidecarSet,
        proxyPort,
        List.of(ProductImages.PROXY_V1, ProductImages.PROXY_V2),
        ProductImages.EMPTY);
  }

  /**
   * Writes the log of every container the demo pod ran (old proxy processes included) to {@code
   * dir/<prefix>-<container>.<n>.log}; never fails the scenario.
   */
  public void saveLogs(java.nio.file.Path dir, String prefix) {
    try {
      java.nio.file.Files.createDirectories(dir);
      for (var entry : tester.cluster().runtime().allLogs(pod()).entrySet()) {
        java.nio.file.Files.writeString(
            dir.resolve(prefix + "-" + entry.getKey() + ".log"), entry.getValue());
      }
    } catch (RuntimeException | java.io.IOException e) {
      org.slf4j.LoggerFactory.getLogger(HotProxyDemo.class)
          .warn("container logs not saved: {}", e.toString());
    }
  }

  @Override
  public void close() {
    tester.deleteSidecarSet(sidecarSet);
    tester.deleteNamespace(namespace);
  }
}
