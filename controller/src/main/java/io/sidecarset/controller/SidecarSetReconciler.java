package io.sidecarset.controller;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import io.micrometer.core.instrument.Timer;
import io.sidecarset.api.SidecarSetEvents;
import io.sidecarset.api.SidecarSetLabels;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetStatus;
import io.sidecarset.core.upgrade.HotUpgradeReset;
import io.sidecarset.core.upgrade.HotUpgradeRollback;
import io.sidecarset.core.upgrade.PodEvent;
import io.sidecarset.core.upgrade.PodPatchAction;
import io.sidecarset.core.upgrade.UpgradeAction;
import io.sidecarset.core.upgrade.UpgradePlan;
import io.sidecarset.core.upgrade.UpgradePlanner;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs core's upgrade plan for one SidecarSet against the cluster. It holds no rollout state of its
 * own: every reconcile reads the set and its pods, plans, and carries the plan out as patches
 * guarded by each pod's resourceVersion, so a controller killed at any moment resumes where it
 * stopped and never takes a step twice.
 *
 * <p>A set's pods are the pods whose {@code sidecarset.io/injected-list} names it, watched through
 * an informer restricted to the label {@code sidecarset.io/injected=true}.
 */
@ControllerConfiguration(name = SidecarSetReconciler.NAME)
public class SidecarSetReconciler implements Reconciler<SidecarSet> {

  private static final Logger LOG = LoggerFactory.getLogger(SidecarSetReconciler.class);

  static final String NAME = "sidecarset";
  static final String PODS_EVENT_SOURCE = "injected-pods";
  static final String BY_INJECTED_SET = "injected-set";

  /** Plan again this soon after a step could not be applied. */
  static final Duration RETRY_AFTER_CONFLICT = Duration.ofSeconds(1);

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final UpgradePlanner planner = new UpgradePlanner();
  private final KubernetesClient client;
  private final Clock clock;
  private final ControllerMetrics metrics;
  private final ExecutorService pool;
  private final PodSteps steps;
  private final PodEventRecorder events;
  private final AtomicReference<InformerEventSource<Pod, SidecarSet>> pods =
      new AtomicReference<>();

  public SidecarSetReconciler(
      KubernetesClient client,
      Clock clock,
      ControllerMetrics metrics,
      ExecutorService pool,
      String instance) {
    this.client = client;
    this.clock = clock;
    this.metrics = metrics;
    this.pool = pool;
    this.steps = new PodSteps(client, pool, metrics, this::readOwnWrite);
    this.events = new PodEventRecorder(client, clock, instance, metrics);
  }

  @Override
  public List<EventSource<?, SidecarSet>> prepareEventSources(
      EventSourceContext<SidecarSet> context) {
    var config =
        InformerEventSourceConfiguration.from(Pod.class, SidecarSet.class)
            .withName(PODS_EVENT_SOURCE)
            .withWatchAllNamespaces()
            .withLabelSelector(SidecarSetLabels.INJECTED + "=" + SidecarSetLabels.INJECTED_TRUE)
            // managedFields are a large share of a pod and nothing here reads them
            .withItemStore(new TransformingItemStore<>(SidecarSetReconciler::withoutManagedFields))
            .withSecondaryToPrimaryMapper(
                (Pod pod) ->
                    InjectedSets.of(pod).stream().map(ResourceID::new).collect(Collectors.toSet()))
            // required: without it pods created before the set are never found (JAVA-APIS §3)
            .withPrimaryToSecondaryMapper(
                (SidecarSet set) ->
                    pods.get().byIndex(BY_INJECTED_SET, set.getMetadata().getName()).stream()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    InformerEventSource<Pod, SidecarSet> source = new InformerEventSource<>(config, context);
    source.addIndexers(Map.of(BY_INJECTED_SET, InjectedSets::of));
    pods.set(source);
    return List.of(source);
  }

  @Override
  public UpdateControl<SidecarSet> reconcile(SidecarSet set, Context<SidecarSet> context) {
    Timer.Sample timing = Timer.start();
    try {
      return reconcileSteps(set, context);
    } finally {
      timing.stop(metrics.reconcileTimer());
    }
  }

  private UpdateControl<SidecarSet> reconcileSteps(SidecarSet set, Context<SidecarSet> context) {
    String name = set.getMetadata().getName();

    // 1. the set's pods, from the informer cache (with this controller's own writes)
    Set<Pod> candidates = context.getSecondaryResources(Pod.class);
    Map<String, Pod> planned = new HashMap<>();
    candidates.forEach(p -> planned.put(key(p), p));

    // 2. plan
    UpgradePlan plan = planner.plan(set, candidates, clock.instant());
    metrics.rollout(name, plan.snapshot());
    List<UpgradeAction> podPatches = new ArrayList<>();
    List<UpgradeAction> podConditions = new ArrayList<>();
    for (UpgradeAction a : plan.actions()) {
      (a instanceof PodPatchAction ? podPatches : podConditions).add(a);
    }

    // 3. carry out pod patches, each guarded by the resourceVersion it was planned from
    List<PodSteps.Outcome> patched = steps.apply(podPatches, planned, Map.of());

    // 4. write the status, only when it changed
    writeStatus(set, plan.status());

    // 5. set the SidecarSetUpgradable pod condition (pods/status), after this plan's patch if any
    Map<String, String> guards = new HashMap<>();
    List<UpgradeAction> conditionsToApply = new ArrayList<>();
    Map<String, PodSteps.Outcome> patchedByPod = new HashMap<>();
    patched.forEach(o -> patchedByPod.put(o.action().pod().toString(), o));
    for (UpgradeAction a : podConditions) {
      PodSteps.Outcome before = patchedByPod.get(a.pod().toString());
      if (before == null) {
        conditionsToApply.add(a);
      } else if (before.applied()) {
        guards.put(a.pod().toString(), before.updated().getMetadata().getResourceVersion());
        conditionsToApply.add(a);
      }
    }
    List<PodSteps.Outcome> conditioned = steps.apply(conditionsToApply, planned, guards);

    // 6. one event per step taken
    List<PodSteps.Outcome> outcomes = new ArrayList<>(patched);
    outcomes.addAll(conditioned);
    emitEvents(set, outcomes);

    // 7. come back while work is in flight, and at once if a step could not be applied
    boolean replan =
        outcomes.stream().anyMatch(o -> !o.applied() && !PodSteps.NOTHING_TO_DO.equals(o.result()));
    Optional<Duration> next = replan ? Optional.of(RETRY_AFTER_CONFLICT) : plan.recheckAfter();
    if (!plan.actions().isEmpty()) {
      LOG.info(
          "SidecarSet {}: {} step(s) planned, {} applied; matched={} updated={} ready={}",
          name,
          plan.actions().size(),
          outcomes.stream().filter(PodSteps.Outcome::applied).count(),
          plan.snapshot().matchedPods(),
          plan.snapshot().updatedPods(),
          plan.snapshot().readyPods());
    }
    UpdateControl<SidecarSet> control = UpdateControl.noUpdate();
    return next.map(control::rescheduleAfter).orElse(control);
  }

  private void writeStatus(SidecarSet set, SidecarSetStatus status) {
    if (status.equals(set.getStatus())) {
      return;
    }
    try {
      client
          .resources(SidecarSet.class)
          .withName(set.getMetadata().getName())
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              SERIALIZATION.asJson(Map.of("status", status)));
    } catch (RuntimeException e) {
      metrics.error("status");
      LOG.warn(
          "SidecarSet {}: status not written: {}", set.getMetadata().getName(), e.getMessage());
    }
  }

  private void emitEvents(SidecarSet set, List<PodSteps.Outcome> outcomes) {
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    boolean paused = false;
    for (PodSteps.Outcome o : outcomes) {
      if (!o.applied()) {
        continue;
      }
      UpgradeAction action = o.action();
      for (PodEvent event : action.events()) {
        writes.add(CompletableFuture.runAsync(() -> events.onPod(action.pod(), event), pool));
      }
      if (action instanceof HotUpgradeReset reset) {
        reset.resets().stream()
            .filter(r -> r.migration() != null)
            .forEach(r -> metrics.migration(r.migration()));
      }
      paused |= action instanceof HotUpgradeRollback rb && rb.pausesRollout();
    }
    if (paused) {
      writes.add(
          CompletableFuture.runAsync(
              () ->
                  events.onSidecarSet(
                      set,
                      new PodEvent(
                          SidecarSetEvents.ROLLOUT_PAUSED,
                          SidecarSetEvents.TYPE_WARNING,
                          "a hot upgrade was rolled back; the rollout is paused until the spec"
                              + " changes")),
              pool));
    }
    writes.forEach(CompletableFuture::join);
  }

  /** Lets the next reconcile see the pod as this controller left it, before the watch says so. */
  private void readOwnWrite(Pod updated, Pod planned) {
    InformerEventSource<Pod, SidecarSet> source = pods.get();
    if (source != null && updated != null) {
      source.handleRecentResourceUpdate(ResourceID.fromResource(updated), updated, planned);
    }
  }

  private static Pod withoutManagedFields(Pod pod) {
    pod.getMetadata().setManagedFields(null);
    return pod;
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
