package io.sidecarset.core.upgrade;

import java.util.List;

/**
 * One step the planner wants taken on one pod. The caller applies it only if the pod is still at
 * {@link PodRef#resourceVersion()} and then emits {@link #events()}; an action whose guard fails is
 * dropped, and the next plan, made from fresh state, decides again. So every step is taken at most
 * once, whatever the caller's crashes and restarts.
 */
public sealed interface UpgradeAction permits PodPatchAction, PodConditionAction {

  /** The pod, at the version the action was planned from. */
  PodRef pod();

  /** The events that tell people about this step, emitted after it was applied. */
  List<PodEvent> events();

  /** A short name of the kind of step, for metrics and logs. */
  String kind();
}
