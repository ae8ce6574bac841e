package io.sidecarset.e2e.support;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LifecycleBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.sidecarset.api.SampleProxyContract;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarContainerUpgradeStrategy;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetSpec;
import io.sidecarset.api.v1alpha1.SidecarSetUpdateStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The workloads the scenarios create: SidecarSets with the sample proxy or an idle agent as a
 * sidecar, and host-network pods of the demo app. Pure builders: nothing here talks to a cluster.
 *
 * <p>Every pod uses {@code hostNetwork: true} and {@code imagePullPolicy: Never}; every server in
 * it binds to the cluster's {@link ClusterFixture#podListenHost()} on a port the cluster handed
 * out, and every probe goes to 127.0.0.1.
 */
public final class TestWorkloads {

  /** Marks everything the suite creates (namespaces, SidecarSets), so leftovers can be swept. */
  public static final String E2E_LABEL = "sidecarset-e2e";

  public static final String E2E_LABEL_VALUE = "true";

  /** The workload label the SidecarSets of the scenarios select on. */
  public static final String APP_LABEL = "app";

  public static final String APP_CONTAINER = "app";
  public static final String PROXY = "proxy";
  public static final String LOOPBACK = "127.0.0.1";

  /** Seconds the proxy's postStart hook waits for the takeover before failing the container. */
  public static final int POST_START_TIMEOUT_SECONDS = 30;

  private TestWorkloads() {}

  /**
   * The sample proxy as a HotUpgrade sidecar named {@link #PROXY}: listens on {@code proxyPort},
   * forwards to the app on {@code appPort}. Both slots probe readiness on the shared port (they
   * share the pod's network: whichever process holds the socket answers), and the postStart hook
   * returns only once a new slot serves on the handed-over socket.
   */
  public static SidecarContainer hotProxy(
      String image, String listenHost, int proxyPort, int appPort) {
    SidecarContainer proxy = new SidecarContainer(PROXY, image);
    proxy.setImagePullPolicy("Never");
    proxy.setArgs(
        List.of(
            "proxy",
            "--listen",
            listenHost + ":" + proxyPort,
            "--upstream",
            LOOPBACK + ":" + appPort));
    proxy.setEnv(
        new ArrayList<>(
            List.of(
                new EnvVar(
                    SampleProxyContract.POST_START_TIMEOUT_ENV,
                    Integer.toString(POST_START_TIMEOUT_SECONDS),
                    null))));
    proxy.setReadinessProbe(httpReady(proxyPort));
    proxy.setLifecycle(
        new LifecycleBuilder()
            .withNewPostStart()
            .withNewExec()
            .withCommand(SampleProxyContract.POST_START_HOOK)
            .endExec()
            .endPostStart()
            .build());
    proxy.setUpgradeStrategy(
        new SidecarContainerUpgradeStrategy(
            SidecarContainerUpgradeStrategy.HOT_UPGRADE, ProductImages.EMPTY));
    return proxy;
  }

  /**
   * A sidecar that is not a proxy: the demo echo server on an ephemeral loopback port (so any
   * number of host-network pods can run it), upgraded cold (the kubelet restarts it in place).
   */
  public static SidecarContainer coldAgent(String name, String image) {
    SidecarContainer agent = new SidecarContainer(name, image);
    agent.setImagePullPolicy("Never");
    agent.setArgs(List.of("echo", "--listen", LOOPBACK + ":0"));
    return agent;
  }

  /** A SidecarSet for pods labelled {@code selector} in {@code namespace}. */
  public static SidecarSet sidecarSet(
      String name, String namespace, Map<String, String> selector, SidecarContainer... containers) {
    SidecarSet set = new SidecarSet();
    set.setMetadata(
        new ObjectMetaBuilder().withName(name).addToLabels(E2E_LABEL, E2E_LABEL_VALUE).build());
    SidecarSetSpec spec = new SidecarSetSpec();
    spec.setSelector(new LabelSelectorBuilder().withMatchLabels(selector).build());
    spec.setNamespace(namespace);
    for (SidecarContainer container : containers) {
      spec.addContainer(container);
    }
    spec.setUpdateStrategy(updateStrategy(1, null));
    set.setSpec(spec);
    return set;
  }

  /** RollingUpdate with {@code maxUnavailable} and, if not null, a hot-upgrade timeout. */
  public static SidecarSetUpdateStrategy updateStrategy(
      int maxUnavailable, Integer hotUpgradeTimeoutSeconds) {
    SidecarSetUpdateStrategy strategy = new SidecarSetUpdateStrategy();
    strategy.setType(SidecarSetUpdateStrategy.ROLLING_UPDATE);
    strategy.setMaxUnavailable(new IntOrString(maxUnavailable));
    strategy.setHotUpgradeTimeoutSeconds(hotUpgradeTimeoutSeconds);
    return strategy;
  }

  /** A Deployment of one demo-app pod, echoing on {@code appPort}. */
  public static Deployment appDeployment(
      String namespace, String name, Map<String, String> labels, String listenHost, int appPort) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        // the host port must be free before a replacement pod can start
        .withNewStrategy()
        .withType("Recreate")
        .endStrategy()
        .withNewSelector()
        .withMatchLabels(labels)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withSpec(appPodSpec(listenHost, appPort))
        .endTemplate()
        .endSpec()
        .build();
  }

  /** A pod as the Deployment would create it (its template), named {@code name}. */
  public static Pod podOf(Deployment deployment, String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(deployment.getMetadata().getNamespace())
        .withName(name)
        .withLabels(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .endMetadata()
        .withSpec(deployment.getSpec().getTemplate().getSpec())
        .build();
  }

  /** A bare demo-app pod, echoing on {@code appPort}. */
  public static Pod appPod(
      String namespace, String name, Map<String, String> labels, String listenHost, int appPort) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withSpec(appPodSpec(listenHost, appPort))
        .build();
  }

  /** A pod whose only container idles on the empty image (for pods that serve nothing). */
  public static Pod idlePod(String namespace, String name, Map<String, String> labels) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withSpec(
            hostNetworkSpec()
                .addToContainers(
                    new ContainerBuilder()
                        .withName(APP_CONTAINER)
                        .withImage(ProductImages.EMPTY)
                        .withImagePullPolicy("Never")
                        .build())
                .build())
        .build();
  }

  private static PodSpec appPodSpec(String listenHost, int appPort) {
    return hostNetworkSpec()
        .addToContainers(
            new ContainerBuilder()
                .withName(APP_CONTAINER)
                .withImage(ProductImages.DEMO_APP)
                .withImagePullPolicy("Never")
                .withArgs("echo", "--listen", listenHost + ":" + appPort)
                .withReadinessProbe(
                    new ProbeBuilder()
                        .withNewTcpSocket()
                        .withHost(LOOPBACK)
                        .withPort(new IntOrString(appPort))
                        .endTcpSocket()
                        .withPeriodSeconds(1)
                        .build())
                .build())
        .build();
  }

  private static PodSpecBuilder hostNetworkSpec() {
    return new PodSpecBuilder()
        .withHostNetwork(true)
        .withDnsPolicy("ClusterFirstWithHostNet")
        .withTerminationGracePeriodSeconds(10L);
  }

  private static Probe httpReady(int port) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withHost(LOOPBACK)
        .withPath(SampleProxyContract.READY_PATH)
        .withPort(new IntOrString(port))
        .endHttpGet()
        .withPeriodSeconds(1)
        .withFailureThreshold(2)
        .build();
  }

  /** Labels {@code app=<value>}. */
  public static Map<String, String> appLabels(String value) {
    return Map.of(APP_LABEL, value);
  }
}
