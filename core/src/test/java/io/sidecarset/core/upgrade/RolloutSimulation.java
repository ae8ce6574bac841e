package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sidecarset.api.v1alpha1.SidecarSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tiny cluster for pure tests: pods with resource versions, a clock, a kubelet. {@link #round()}
 * plans, applies the actions the way the controller does (guarded by resourceVersion; a pod's
 * condition action follows its patch action of the same plan) and stores the planned status.
 */
final class RolloutSimulation {

  final UpgradePlanner planner = new UpgradePlanner();
  final Map<String, Pod> pods = new TreeMap<>();
  final List<UpgradeAction> applied = new ArrayList<>();
  SidecarSet set;
  Instant now = Instant.parse("2026-11-26T10:00:00Z");
  FakeKubelet kubelet = FakeKubelet.ALWAYS_READY;
  UpgradePlan lastPlan;

  RolloutSimulation(SidecarSet set, Collection<Pod> pods) {
    this.set = set;
    pods.forEach(p -> this.pods.put(p.getMetadata().getName(), p));
  }

  /** Plans once, applies the plan, stores the status; returns the actions applied. */
  List<UpgradeAction> round() {
    lastPlan = planner.plan(set, pods.values(), now);
    Map<String, String> versionAtPlan = new HashMap<>();
    pods.forEach((name, pod) -> versionAtPlan.put(name, pod.getMetadata().getResourceVersion()));
    List<UpgradeAction> done = new ArrayList<>();
    for (UpgradeAction action : lastPlan.actions()) {
      String name = action.pod().name();
      Pod current = pods.get(name);
      boolean samePlan = action.pod().resourceVersion().equals(versionAtPlan.get(name));
      boolean unchanged =
          current.getMetadata().getResourceVersion().equals(action.pod().resourceVersion());
      if (!samePlan || (!unchanged && !(action instanceof PodConditionAction))) {
        continue;
      }
      Pod next;
      if (action instanceof PodPatchAction patch) {
        next = new PodBuilder(patch.desired()).withStatus(current.getStatus()).build();
      } else {
        next = new PodBuilder(current).build();
        next.getStatus()
            .setConditions(((PodConditionAction) action).desired().getStatus().getConditions());
      }
      next.getMetadata().setResourceVersion(bump(current.getMetadata().getResourceVersion()));
      pods.put(name, next);
      done.add(action);
    }
    set.setStatus(lastPlan.status());
    applied.addAll(done);
    return done;
  }

  /** The kubelet applies every pod's spec. */
  RolloutSimulation kubelet() {
    pods.replaceAll(
        (name, pod) -> {
          Pod synced = kubelet.sync(pod, now);
          if (!synced.getStatus().equals(pod.getStatus())) {
            synced.getMetadata().setResourceVersion(bump(pod.getMetadata().getResourceVersion()));
          }
          return synced;
        });
    return this;
  }

  RolloutSimulation advance(Duration d) {
    now = now.plus(d);
    return this;
  }

  Pod pod(String name) {
    return pods.get(name);
  }

  private static String bump(String rv) {
    return Long.toString(Long.parseLong(rv) + 1);
  }
}
