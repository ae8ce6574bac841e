package io.sidecarset.e2e.support;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deleting a namespace of the suite, in two strengths.
 *
 * <p>{@link #stopPods} is what a scenario's clean-up needs: every process of the namespace's pods
 * gone, so that the next scenario has the node's CPU and host ports to itself. {@link #awaitGone}
 * also waits for the namespace object, which only a namespace re-created under the same name needs,
 * and which can take minutes longer: on Kubernetes 1.20 the kubelet removes a pod object a while
 * after its containers stopped (in one CI run, more than 55 s), and the namespace controller
 * retries a namespace whose pods are still listed with an exponential back-off that reaches 60 s.
 * Waiting for the object where the processes are what matters made a clean-up fail on a namespace
 * that went 2 min 3 s after its delete, with every container stopped within 2 s.
 */
public final class NamespaceDeletion {

  private static final Logger LOG = LoggerFactory.getLogger(NamespaceDeletion.class);

  private final KubernetesClient client;
  private final String namespace;

  private NamespaceDeletion(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /**
   * Deletes the namespace, asks the kubelet to stop its pods at once (rather than after the
   * namespace controller gets to them), and waits until none of their containers runs.
   */
  public static NamespaceDeletion stopPods(KubernetesClient client, String namespace) {
    NamespaceDeletion deletion = new NamespaceDeletion(client, namespace);
    client.namespaces().withName(namespace).delete();
    // after the namespace delete, so that no controller of the namespace can replace a pod
    client.pods().inNamespace(namespace).delete();
    deletion.waitFor(
        "every container of the pods in namespace " + namespace + " stopped",
        Timeouts.PODS_STOPPED,
        () -> deletion.pods().allMatch(NamespaceDeletion::stopped));
    LOG.info("namespace {}: every pod stopped; Kubernetes removes the objects", namespace);
    return deletion;
  }

  /** Waits until the namespace object (and with it every pod object in it) is gone. */
  public void awaitGone() {
    waitFor(
        "namespace " + namespace + " gone",
        Timeouts.NAMESPACE_GONE,
        () -> client.namespaces().withName(namespace).get() == null);
  }

  /** Deleted and no container running: the kubelet has killed it, or it never started. */
  static boolean stopped(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null
        && containerStatuses(pod)
            .noneMatch(s -> s.getState() != null && s.getState().getRunning() != null);
  }

  private Stream<Pod> pods() {
    return client.pods().inNamespace(namespace).list().getItems().stream();
  }

  private void waitFor(String what, Duration bound, Callable<Boolean> done) {
    try {
      await(what).atMost(bound).pollInterval(Timeouts.POLL).until(done);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "; pods left: " + describePods(), e);
    }
  }

  /** Each pod as {@link SidecarSetTester#describe} tells it, and since when it is being deleted. */
  private String describePods() {
    List<Pod> pods = pods().collect(Collectors.toList());
    if (pods.isEmpty()) {
      return "none";
    }
    return pods.stream()
        .map(
            p ->
                SidecarSetTester.describe(p)
                    + " (deleting since "
                    + p.getMetadata().getDeletionTimestamp()
                    + ")")
        .collect(Collectors.joining("; "));
  }

  private static Stream<ContainerStatus> containerStatuses(Pod pod) {
    if (pod.getStatus() == null) {
      return Stream.empty();
    }
    return Stream.concat(
        pod.getStatus().getInitContainerStatuses().stream(),
        pod.getStatus().getContainerStatuses().stream());
  }
}
