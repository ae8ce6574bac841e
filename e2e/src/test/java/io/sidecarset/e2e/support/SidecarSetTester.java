package io.sidecarset.e2e.support;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetStatus;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster operations and waits of the scenarios, so that a scenario reads as what it does (after
 * Kruise's {@code SidecarSetTester}). Every wait states its bound and poll interval ({@link
 * Timeouts}) and says in its failure what it was waiting for.
 */
public final class SidecarSetTester {

  private static final Logger LOG = LoggerFactory.getLogger(SidecarSetTester.class);

  private final ClusterFixture cluster;
  private final KubernetesClient client;

  public SidecarSetTester(ClusterFixture cluster) {
    this.cluster = cluster;
    this.client = cluster.client();
  }

  public ClusterFixture cluster() {
    return cluster;
  }

  public KubernetesClient client() {
    return client;
  }

  // ---------------------------------------------------------------- namespaces

  /**
   * Creates {@code e2e-<prefix>-<random>} with {@code labels}, marked as the suite's. It also
   * carries {@code kubernetes.io/metadata.name}, which Kubernetes sets itself from 1.21 on.
   */
  public String createNamespace(String prefix, Map<String, String> labels) {
    String name =
        "e2e-" + prefix + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
    Map<String, String> all = new HashMap<>(labels);
    all.put(TestWorkloads.E2E_LABEL, TestWorkloads.E2E_LABEL_VALUE);
    all.put(io.sidecarset.api.SidecarSetLabels.NAMESPACE_NAME, name);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(all)
                .endMetadata()
                .build())
        .create();
    LOG.info("created namespace {}", name);
    return name;
  }

  /**
   * Deletes a scenario's namespace and waits until every container of its pods stopped; the objects
   * go in the background ({@link NamespaceDeletion} says why it does not wait for them).
   */
  public void deleteNamespace(String name) {
    NamespaceDeletion.stopPods(client, name);
  }

  /** Deletes the namespace and waits until it is gone, for a name that is created again. */
  public void deleteNamespaceAndAwaitGone(String name) {
    NamespaceDeletion.stopPods(client, name).awaitGone();
  }

  // ---------------------------------------------------------------- SidecarSets

  public SidecarSet create(SidecarSet set) {
    SidecarSet created = client.resources(SidecarSet.class).resource(set).create();
    LOG.info("created SidecarSet {}", created.getMetadata().getName());
    return created;
  }

  public SidecarSet sidecarSet(String name) {
    return client.resources(SidecarSet.class).withName(name).get();
  }

  /**
   * Sets the image of one sidecar of the set (retried on a write conflict) and returns the stored
   * set, whose generation the rollout must reach.
   */
  public SidecarSet setImage(String setName, String container, String image) {
    SidecarSet updated =
        client
            .resources(SidecarSet.class)
            .withName(setName)
            .edit(
                set -> {
                  SidecarContainer sidecar =
                      set.getSpec().containersOrEmpty().stream()
                          .filter(c -> container.equals(c.getName()))
                          .findFirst()
                          .orElseThrow(
                              () ->
                                  new IllegalStateException(
                                      setName + " has no sidecar " + container));
                  sidecar.setImage(image);
                  return set;
                });
    LOG.info(
        "SidecarSet {}: {} -> {} (generation {})",
        setName,
        container,
        image,
        updated.getMetadata().getGeneration());
    return updated;
  }

  /** Deletes the SidecarSet and waits until it is gone. */
  public void deleteSidecarSet(String name) {
    client.resources(SidecarSet.class).withName(name).delete();
    await("SidecarSet " + name + " gone")
        .atMost(Timeouts.STATUS)
        .pollInterval(Timeouts.POLL)
        .until(() -> sidecarSet(name) == null);
  }

  /**
   * Waits until the controller has observed the set's current generation and counts {@code matched}
   * pods, all of them updated, ready and updated-ready.
   */
  public SidecarSetStatus awaitRolledOut(String name, int matched) {
    return awaitStatus(
        name,
        "observed its generation with matched=updated=ready=updatedReady=" + matched,
        (set, status) ->
            Objects.equals(status.getObservedGeneration(), set.getMetadata().getGeneration())
                && Objects.equals(status.getMatchedPods(), matched)
                && Objects.equals(status.getUpdatedPods(), matched)
                && Objects.equals(status.getReadyPods(), matched)
                && Objects.equals(status.getUpdatedReadyPods(), matched),
        Timeouts.STATUS);
  }

  /** Waits until the set's status satisfies {@code expected}; fails with the last status seen. */
  public SidecarSetStatus awaitStatus(
      String name,
      String description,
      java.util.function.BiPredicate<SidecarSet, SidecarSetStatus> expected,
      Duration timeout) {
    SidecarSet[] last = new SidecarSet[1];
    try {
      await("SidecarSet " + name + " status: " + description)
          .atMost(timeout)
          .pollInterval(Timeouts.POLL)
          .ignoreExceptionsInstanceOf(KubernetesClientException.class)
          .until(
              () -> {
                last[0] = sidecarSet(name);
                return last[0] != null
                    && last[0].getStatus() != null
                    && expected.test(last[0], last[0].getStatus());
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage() + "; last status: " + (last[0] == null ? "none" : describe(last[0])), e);
    }
    return last[0].getStatus();
  }

  /** The set's condition of {@code type}, if present. */
  public Optional<Condition> condition(String setName, String type) {
    SidecarSet set = sidecarSet(setName);
    if (set == null || set.getStatus() == null || set.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return set.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  /** Waits for condition {@code type} with {@code status} and {@code reason} on the set. */
  public Condition awaitCondition(
      String setName, String type, String status, String reason, Duration timeout) {
    Condition[] found = new Condition[1];
    await("SidecarSet " + setName + " condition " + type + "=" + status + " (" + reason + ")")
        .atMost(timeout)
        .pollInterval(Timeouts.POLL)
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(
            () -> {
              found[0] = condition(setName, type).orElse(null);
              return found[0] != null
                  && status.equals(found[0].getStatus())
                  && reason.equals(found[0].getReason());
            });
    return found[0];
  }

  static String describe(SidecarSet set) {
    SidecarSetStatus s = set.getStatus();
    if (s == null) {
      return "no status (generation " + set.getMetadata().getGeneration() + ")";
    }
    return String.format(
        Locale.ROOT,
        "generation %d observed %s matched %s updated %s ready %s updatedReady %s conditions %s",
        set.getMetadata().getGeneration(),
        s.getObservedGeneration(),
        s.getMatchedPods(),
        s.getUpdatedPods(),
        s.getReadyPods(),
        s.getUpdatedReadyPods(),
        s.getConditions() == null
            ? "[]"
            : s.getConditions().stream()
                .map(c -> c.getType() + "=" + c.getStatus() + "(" + c.getReason() + ")")
                .toList());
  }

  // ---------------------------------------------------------------- pods

  /**
   * Waits until the webhook injects {@code containers} into a pod like {@code pod}, seen through
   * dry-run creates (the apiserver runs the mutating webhook and returns the mutated pod, storing
   * nothing). The webhook learns of a new SidecarSet through its informer a moment after the set is
   * stored; a pod created in that moment would be admitted without sidecars.
   */
  public void awaitWebhookInjects(Pod pod, String... containers) {
    List<String> expected = List.of(containers);
    List<String>[] last = new List[] {List.of()};
    try {
      await("the webhook injecting " + expected + " into pods like " + pod.getMetadata().getName())
          .atMost(Timeouts.STATUS)
          .pollInterval(Timeouts.FAST_POLL)
          .ignoreExceptionsInstanceOf(KubernetesClientException.class)
          .until(
              () -> {
                Pod admitted =
                    client
                        .pods()
                        .inNamespace(pod.getMetadata().getNamespace())
                        .resource(pod)
                        .dryRun()
                        .create();
                last[0] =
                    admitted.getSpec().getContainers().stream().map(c -> c.getName()).toList();
                return last[0].containsAll(expected);
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "; last dry run gave containers " + last[0], e);
    }
  }

  public Pod create(Pod pod) {
    Pod created = client.pods().resource(pod).create();
    LOG.info(
        "created pod {}/{}", created.getMetadata().getNamespace(), created.getMetadata().getName());
    return created;
  }

  public Deployment create(Deployment deployment) {
    Deployment created = client.apps().deployments().resource(deployment).create();
    LOG.info(
        "created deployment {}/{}",
        created.getMetadata().getNamespace(),
        created.getMetadata().getName());
    return created;
  }

  public Pod pod(String namespace, String name) {
    return client.pods().inNamespace(namespace).withName(name).get();
  }

  /** The pods of the namespace with these labels, by name. */
  public List<Pod> pods(String namespace, Map<String, String> labels) {
    return client.pods().inNamespace(namespace).withLabels(labels).list().getItems().stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  /** Waits until the pod is Ready. */
  public Pod awaitPodReady(String namespace, String name) {
    return awaitPod(namespace, name, "Ready", PodInspection::isReady, Timeouts.POD_READY);
  }

  /** Waits until the pod satisfies {@code state}; fails with the last pod status seen. */
  public Pod awaitPod(
      String namespace, String name, String description, Predicate<Pod> state, Duration timeout) {
    Pod[] last = new Pod[1];
    try {
      await("pod " + namespace + "/" + name + " " + description)
          .atMost(timeout)
          .pollInterval(Timeouts.POLL)
          .ignoreExceptionsInstanceOf(KubernetesClientException.class)
          .until(
              () -> {
                last[0] = pod(namespace, name);
                return last[0] != null && state.test(last[0]);
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "; last: " + describe(last[0]), e);
    }
    return last[0];
  }

  /** Waits until exactly {@code count} pods with the labels exist and all are Ready. */
  public List<Pod> awaitReadyPods(String namespace, Map<String, String> labels, int count) {
    List<Pod>[] last = new List[] {List.of()};
    try {
      await("%d ready pods %s in %s".formatted(count, labels, namespace))
          .atMost(Timeouts.POD_READY)
          .pollInterval(Timeouts.POLL)
          .ignoreExceptionsInstanceOf(KubernetesClientException.class)
          .until(
              () -> {
                last[0] = pods(namespace, labels);
                return last[0].size() == count && last[0].stream().allMatch(PodInspection::isReady);
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage() + "; last: " + last[0].stream().map(SidecarSetTester::describe).toList(),
          e);
    }
    return last[0];
  }

  /** One line per container: image, state, ready, restarts; and the pod's conditions. */
  public static String describe(Pod pod) {
    if (pod == null) {
      return "no pod";
    }
    StringBuilder s = new StringBuilder(pod.getMetadata().getName());
    s.append(" phase=").append(pod.getStatus() == null ? "?" : pod.getStatus().getPhase());
    if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
      pod.getStatus()
          .getContainerStatuses()
          .forEach(
              c ->
                  s.append(" [")
                      .append(c.getName())
                      .append(' ')
                      .append(c.getImage())
                      .append(c.getState().getRunning() != null ? " running" : " not-running")
                      .append(
                          c.getState().getWaiting() != null
                              ? "(" + c.getState().getWaiting().getReason() + ")"
                              : "")
                      .append(Boolean.TRUE.equals(c.getReady()) ? " ready" : " unready")
                      .append(" restarts=")
                      .append(c.getRestartCount())
                      .append(']'));
    }
    if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      s.append(" conditions=")
          .append(
              pod.getStatus().getConditions().stream()
                  .map(c -> c.getType() + "=" + c.getStatus())
                  .toList());
    }
    return s.toString();
  }

  // ---------------------------------------------------------------- events

  /** Events about the object (any namespace when {@code namespace} is null), oldest first. */
  public List<Event> events(String namespace, String kind, String name) {
    var events =
        namespace == null
            ? client.v1().events().inAnyNamespace()
            : client.v1().events().inNamespace(namespace);
    return events.withField("involvedObject.name", name).list().getItems().stream()
        .filter(e -> kind.equals(e.getInvolvedObject().getKind()))
        .sorted(Comparator.comparing(e -> Objects.toString(e.getLastTimestamp(), "")))
        .toList();
  }

  /** Waits for an event with {@code reason} about the object. */
  public Event awaitEvent(
      String namespace, String kind, String name, String reason, Duration timeout) {
    Event[] found = new Event[1];
    await("event " + reason + " on " + kind + " " + name)
        .atMost(timeout)
        .pollInterval(Timeouts.POLL)
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(
            () -> {
              found[0] =
                  events(namespace, kind, name).stream()
                      .filter(e -> reason.equals(e.getReason()))
                      .findFirst()
                      .orElse(null);
              return found[0] != null;
            });
    return found[0];
  }

  /** Deletes SidecarSets and namespaces a crashed earlier run left behind. */
  public void sweepLeftovers() {
    try {
      client
          .resources(SidecarSet.class)
          .withLabel(TestWorkloads.E2E_LABEL, TestWorkloads.E2E_LABEL_VALUE)
          .delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) { // no CRD: no SidecarSets either
        throw e;
      }
    }
    List<Namespace> namespaces =
        client
            .namespaces()
            .withLabel(TestWorkloads.E2E_LABEL, TestWorkloads.E2E_LABEL_VALUE)
            .list()
            .getItems();
    for (Namespace namespace : namespaces) {
      if (namespace.getMetadata().getDeletionTimestamp() == null) {
        LOG.info("deleting leftover namespace {}", namespace.getMetadata().getName());
        client.namespaces().resource(namespace).delete();
      }
    }
  }
}
