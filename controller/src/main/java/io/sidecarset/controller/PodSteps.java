package io.sidecarset.controller;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.sidecarset.core.upgrade.PodConditionAction;
import io.sidecarset.core.upgrade.PodPatchAction;
import io.sidecarset.core.upgrade.PodRef;
import io.sidecarset.core.upgrade.UpgradeAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out planned actions as guarded pod patches: the actions of one pod in plan order, pods in
 * parallel. An action whose guard fails (the pod changed since it was planned) is dropped and
 * reported as a conflict; the caller plans again from fresh state.
 */
final class PodSteps {

  private static final Logger LOG = LoggerFactory.getLogger(PodSteps.class);

  static final String APPLIED = "applied";
  static final String CONFLICT = "conflict";
  static final String GONE = "gone";
  static final String FAILED = "failed";
  static final String NOTHING_TO_DO = "nothing-to-do";

  /**
   * How one action ended.
   *
   * @param result one of {@link #APPLIED}, {@link #CONFLICT}, {@link #GONE}, {@link #FAILED},
   *     {@link #NOTHING_TO_DO}
   * @param updated the pod the API server returned, when applied
   */
  record Outcome(UpgradeAction action, String result, Pod updated) {
    boolean applied() {
      return APPLIED.equals(result);
    }
  }

  private final KubernetesClient client;
  private final ExecutorService pool;
  private final ControllerMetrics metrics;
  private final BiConsumer<Pod, Pod> onApplied;

  /**
   * @param onApplied told (updated pod, pod it was planned from) after each applied patch, so the
   *     caller's cache can read its own writes
   */
  PodSteps(
      KubernetesClient client,
      ExecutorService pool,
      ControllerMetrics metrics,
      BiConsumer<Pod, Pod> onApplied) {
    this.client = client;
    this.pool = pool;
    this.metrics = metrics;
    this.onApplied = onApplied;
  }

  /**
   * Applies {@code actions} and waits for all of them.
   *
   * @param planned the pods the plan was made from, by {@code namespace/name}
   * @param guards resourceVersions that replace an action's own guard, by {@code namespace/name}:
   *     the versions returned by patches of the same plan applied just before
   */
  List<Outcome> apply(
      List<? extends UpgradeAction> actions, Map<String, Pod> planned, Map<String, String> guards) {
    Map<String, List<UpgradeAction>> byPod = new LinkedHashMap<>();
    actions.forEach(a -> byPod.computeIfAbsent(a.pod().toString(), k -> new ArrayList<>()).add(a));
    List<CompletableFuture<List<Outcome>>> futures = new ArrayList<>();
    byPod.forEach(
        (key, podActions) ->
            futures.add(
                CompletableFuture.supplyAsync(
                    () -> applyInOrder(podActions, planned.get(key), guards.get(key)), pool)));
    List<Outcome> outcomes = new ArrayList<>();
    futures.forEach(f -> outcomes.addAll(f.join()));
    return outcomes;
  }

  private List<Outcome> applyInOrder(List<UpgradeAction> actions, Pod planned, String guard) {
    List<Outcome> outcomes = new ArrayList<>();
    String resourceVersion = guard;
    for (UpgradeAction action : actions) {
      Outcome outcome =
          applyOne(
              action,
              planned,
              resourceVersion == null ? action.pod().resourceVersion() : resourceVersion);
      outcomes.add(outcome);
      if (!outcome.applied()) {
        break; // the rest of this pod's plan was made from a state that is gone
      }
      resourceVersion = outcome.updated().getMetadata().getResourceVersion();
    }
    return outcomes;
  }

  private Outcome applyOne(UpgradeAction action, Pod planned, String resourceVersion) {
    PodRef ref = action.pod();
    Pod desired;
    GuardedPodPatch.Scope scope;
    if (action instanceof PodPatchAction patch) {
      desired = patch.desired();
      scope = GuardedPodPatch.Scope.POD;
    } else {
      desired = ((PodConditionAction) action).desired();
      scope = GuardedPodPatch.Scope.STATUS;
    }
    var json = GuardedPodPatch.of(planned, desired, resourceVersion, scope);
    if (json.isEmpty()) {
      return new Outcome(action, NOTHING_TO_DO, planned);
    }
    long start = System.nanoTime();
    String result;
    Pod updated = null;
    try {
      PodResource pod = client.pods().inNamespace(ref.namespace()).withName(ref.name());
      PatchContext jsonPatch = PatchContext.of(PatchType.JSON);
      updated =
          scope == GuardedPodPatch.Scope.POD
              ? pod.patch(jsonPatch, json.get())
              : pod.subresource("status").patch(jsonPatch, json.get());
      result = APPLIED;
      onApplied.accept(updated, planned);
    } catch (KubernetesClientException e) {
      result = classify(e);
      if (FAILED.equals(result)) {
        metrics.error("patch");
        LOG.warn("{} on {} failed: {} {}", action.kind(), ref, e.getCode(), e.getMessage());
      } else {
        LOG.debug("{} on {}: {} ({})", action.kind(), ref, result, e.getCode());
      }
    } catch (RuntimeException e) {
      result = FAILED;
      metrics.error("patch");
      LOG.warn("{} on {} failed", action.kind(), ref, e);
    }
    metrics.step(action.kind(), result, Duration.ofNanos(System.nanoTime() - start));
    return new Outcome(action, result, updated);
  }

  /**
   * A failed {@code test} of the resourceVersion comes back as 422 Invalid without causes
   * (kube-apiserver 1.20: "the server rejected our request due to an error in our request"), a
   * stale version in an update as 409: both mean "changed since planned". A 422 that names causes
   * is a real validation error, not a race: replanning would not help.
   */
  static String classify(KubernetesClientException e) {
    return switch (e.getCode()) {
      case 409 -> CONFLICT;
      case 422 -> hasCauses(e) ? FAILED : CONFLICT;
      case 404 -> GONE;
      default -> FAILED;
    };
  }

  private static boolean hasCauses(KubernetesClientException e) {
    return e.getStatus() != null
        && e.getStatus().getDetails() != null
        && e.getStatus().getDetails().getCauses() != null
        && !e.getStatus().getDetails().getCauses().isEmpty();
  }
}
