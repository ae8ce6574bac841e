package io.sidecarset.controller;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sidecarset.api.SidecarSetEvents;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.core.status.StatusConditions;
import io.sidecarset.core.upgrade.PodEvent;
import io.sidecarset.core.upgrade.PodRef;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events, the way {@code kubectl describe} shows them: one per pod step, on the pod,
 * and rollout-wide ones on the SidecarSet (cluster-scoped, so in namespace {@code default}). Events
 * are told after the step is applied; a controller killed in between loses the event, never repeats
 * the step.
 */
final class PodEventRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(PodEventRecorder.class);
  static final String CLUSTER_SCOPED_EVENTS_NAMESPACE = "default";

  private final KubernetesClient client;
  private final Clock clock;
  private final String instance;
  private final ControllerMetrics metrics;

  PodEventRecorder(
      KubernetesClient client, Clock clock, String instance, ControllerMetrics metrics) {
    this.client = client;
    this.clock = clock;
    this.instance = instance;
    this.metrics = metrics;
  }

  void onPod(PodRef pod, PodEvent event) {
    ObjectReference ref =
        new ObjectReferenceBuilder()
            .withApiVersion("v1")
            .withKind("Pod")
            .withNamespace(pod.namespace())
            .withName(pod.name())
            .withUid(pod.uid())
            .build();
    write(pod.namespace(), pod.name(), ref, event);
  }

  void onSidecarSet(SidecarSet set, PodEvent event) {
    ObjectReference ref =
        new ObjectReferenceBuilder()
            .withApiVersion(SidecarSet.API_VERSION)
            .withKind(SidecarSet.KIND)
            .withName(set.getMetadata().getName())
            .withUid(set.getMetadata().getUid())
            .build();
    write(CLUSTER_SCOPED_EVENTS_NAMESPACE, set.getMetadata().getName(), ref, event);
  }

  private void write(String namespace, String objectName, ObjectReference ref, PodEvent event) {
    String now = StatusConditions.rfc3339(clock.instant());
    byte[] suffix = new byte[8];
    ThreadLocalRandom.current().nextBytes(suffix);
    Event e =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(objectName + "." + HexFormat.of().formatHex(suffix))
            .endMetadata()
            .withInvolvedObject(ref)
            .withReason(event.reason())
            .withMessage(event.message())
            .withType(event.type())
            .withNewSource()
            .withComponent(SidecarSetEvents.COMPONENT)
            .endSource()
            .withReportingComponent(SidecarSetEvents.COMPONENT)
            .withReportingInstance(instance)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .build();
    try {
      client.v1().events().inNamespace(namespace).resource(e).create();
    } catch (RuntimeException ex) {
      metrics.error("event");
      LOG.warn(
          "could not write event {} on {}/{}: {}",
          event.reason(),
          namespace,
          objectName,
          ex.getMessage());
    }
  }
}
