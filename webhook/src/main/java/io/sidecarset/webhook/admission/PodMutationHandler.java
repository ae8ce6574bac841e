package io.sidecarset.webhook.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.sidecarset.core.inject.InjectedSidecarSet;
import io.sidecarset.core.inject.InjectionResult;
import io.sidecarset.core.inject.SidecarInjector;
import io.sidecarset.core.match.SidecarSetMatcher;
import io.sidecarset.webhook.cluster.ClusterCache;
import io.sidecarset.webhook.metrics.WebhookMetrics;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /mutate-pod}: injects the sidecars of every matching SidecarSet into a pod being created.
 * core decides the mutated pod; this class decodes, looks up the cached sets and namespace labels,
 * and answers with the JSON Patch of the difference.
 *
 * <p>Requests it lets through untouched: operations other than CREATE and subresources (the
 * configuration should not send them, but a broad rule must not break pods). A pod that already
 * carries a set (a retried admission, or a pod copied from an injected one) is left as it is by
 * core, so the answer is an allow with no patch.
 */
public final class PodMutationHandler implements AdmissionHandler {

  public static final String ENDPOINT = "/mutate-pod";
  static final String POD_RESOURCE = "pods";

  private final ClusterCache cache;
  private final SidecarInjector injector;
  private final WebhookMetrics metrics;

  public PodMutationHandler(ClusterCache cache, SidecarInjector injector, WebhookMetrics metrics) {
    this.cache = cache;
    this.injector = injector;
    this.metrics = metrics;
  }

  @Override
  public AdmissionResponse handle(AdmissionRequest request) throws BadAdmissionRequestException {
    requirePods(request);
    String uid = request.getUid();
    if (!AdmissionReviewCodec.CREATE.equals(request.getOperation())
        || hasText(request.getSubResource())) {
      return AdmissionResponses.allow(uid, List.of());
    }
    Pod pod = AdmissionReviewCodec.objectAs(request.getObject(), Pod.class, "object");
    String namespace = namespaceOf(request, pod);
    // the apiserver may send a pod without metadata.namespace; matching needs it, the patch must
    // not mention it, so both sides of the diff carry it
    ObjectMeta metadata = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
    metadata.setNamespace(namespace);
    pod.setMetadata(metadata);

    Optional<Map<String, String>> namespaceLabels = cache.namespaceLabels(namespace);
    if (namespaceLabels.isEmpty()) {
      metrics.namespaceCacheMiss();
    }
    InjectionResult result =
        injector.inject(pod, cache.sidecarSets(), namespaceLabels.orElse(Map.of()));
    if (!result.changed()) {
      return AdmissionResponses.allow(uid, result.warnings());
    }
    JsonNode patch = AdmissionResponses.diff(pod, result.pod());
    boolean dryRun = Boolean.TRUE.equals(request.getDryRun());
    for (InjectedSidecarSet injected : result.injected()) {
      metrics.injection(injected.name(), dryRun);
    }
    return AdmissionResponses.patch(uid, patch, result.warnings());
  }

  private static void requirePods(AdmissionRequest request) throws BadAdmissionRequestException {
    GroupVersionResource resource = request.getResource();
    boolean pods =
        resource != null
            && (resource.getGroup() == null || resource.getGroup().isEmpty())
            && POD_RESOURCE.equals(resource.getResource());
    if (!pods) {
      throw new BadAdmissionRequestException(
          AdmissionReviewCodec.BAD_REQUEST,
          ENDPOINT + " handles core/v1 pods, got resource " + describe(resource));
    }
  }

  static String describe(GroupVersionResource resource) {
    if (resource == null) {
      return "(none)";
    }
    String group =
        resource.getGroup() == null || resource.getGroup().isEmpty() ? "core" : resource.getGroup();
    return group + "/" + resource.getVersion() + "/" + resource.getResource();
  }

  private static String namespaceOf(AdmissionRequest request, Pod pod) {
    if (hasText(request.getNamespace())) {
      return request.getNamespace();
    }
    if (pod.getMetadata() != null && hasText(pod.getMetadata().getNamespace())) {
      return pod.getMetadata().getNamespace();
    }
    return SidecarSetMatcher.DEFAULT_NAMESPACE;
  }

  private static boolean hasText(String value) {
    return value != null && !value.isEmpty();
  }
}
