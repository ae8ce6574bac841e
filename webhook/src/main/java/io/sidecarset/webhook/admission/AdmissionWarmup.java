package io.sidecarset.webhook.admission;

import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarContainerUpgradeStrategy;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetSpec;
import io.sidecarset.core.inject.SidecarInjector;
import io.sidecarset.core.validate.SidecarSetValidator;
import io.sidecarset.webhook.cluster.ClusterCache;
import io.sidecarset.webhook.metrics.WebhookMetrics;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the admission path (decode, inject or validate, diff, encode) on made-up input before the
 * webhook reports ready. A cold JVM answers its first thousands of requests from interpreted code,
 * many times slower; measured at 500 requests/s, a replica that took traffic cold queued for
 * seconds before it caught up. Touches no cluster state and no real metrics.
 */
public final class AdmissionWarmup {

  private static final String APP = "sidecarset-warmup";

  private AdmissionWarmup() {}

  /**
   * Runs up to {@code iterations} mutation and validation rounds, stopping early when {@code
   * budget} is spent.
   *
   * @return rounds run
   */
  public static int run(int iterations, Duration budget, Clock clock) {
    List<SidecarSet> sets =
        List.of(
            set("warmup-mesh", true),
            set("warmup-a", false),
            set("warmup-b", false),
            set("warmup-c", false),
            set("warmup-d", false));
    ClusterCache cache = new FixedCache(sets);
    try (WebhookMetrics scratch = new WebhookMetrics(false)) {
      PodMutationHandler mutation =
          new PodMutationHandler(cache, new SidecarInjector(clock), scratch);
      SidecarSetValidationHandler validation =
          new SidecarSetValidationHandler(cache, new SidecarSetValidator());
      byte[] podReview = podReview();
      byte[] setReview = setReview(set("warmup-new", false));
      long deadline = System.nanoTime() + budget.toNanos();
      int round = 0;
      while (round < iterations && System.nanoTime() < deadline) {
        AdmissionResponse response =
            mutation.handle(AdmissionReviewCodec.decode(new ByteArrayInputStream(podReview)));
        if (response.getPatch() == null) {
          // a warm-up that injects nothing would warm the wrong code
          throw new IllegalStateException("the warm-up pod was not injected");
        }
        AdmissionReviewCodec.encode(response);
        if (round % 4 == 0) {
          AdmissionReviewCodec.encode(
              validation.handle(AdmissionReviewCodec.decode(new ByteArrayInputStream(setReview))));
        }
        round++;
      }
      return round;
    } catch (BadAdmissionRequestException e) {
      throw new IllegalStateException("the warm-up request is well-formed", e);
    }
  }

  private static SidecarSet set(String name, boolean hotUpgrade) {
    SidecarContainer container = new SidecarContainer(name + "-c", "warmup/" + name + ":1");
    if (hotUpgrade) {
      container.setUpgradeStrategy(
          new SidecarContainerUpgradeStrategy(
              SidecarContainerUpgradeStrategy.HOT_UPGRADE, "warmup/empty:1"));
    }
    SidecarSetSpec spec = new SidecarSetSpec();
    spec.setSelector(new LabelSelectorBuilder().addToMatchLabels("app", APP).build());
    spec.addContainer(container);
    SidecarSet set = new SidecarSet();
    set.setMetadata(new ObjectMetaBuilder().withName(name).build());
    set.setSpec(spec);
    return set;
  }

  private static byte[] podReview() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withGenerateName(APP + "-")
            .addToLabels("app", APP)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("warmup/app:1")
            .endContainer()
            .endSpec()
            .build();
    AdmissionRequest request = request("", "pods", "v1");
    request.setNamespace(APP);
    request.setObject(pod);
    return review(request);
  }

  private static byte[] setReview(SidecarSet set) {
    AdmissionRequest request = request(SidecarSet.GROUP, SidecarSet.PLURAL, SidecarSet.VERSION);
    request.setObject(set);
    return review(request);
  }

  private static AdmissionRequest request(String group, String resource, String version) {
    AdmissionRequest request = new AdmissionRequest();
    request.setUid("warmup");
    request.setOperation(AdmissionReviewCodec.CREATE);
    request.setResource(new GroupVersionResource(group, resource, version));
    return request;
  }

  private static byte[] review(AdmissionRequest request) {
    AdmissionReview review = new AdmissionReview();
    review.setApiVersion(AdmissionReviewCodec.API_VERSION);
    review.setKind(AdmissionReviewCodec.KIND);
    review.setRequest(request);
    try {
      return Serialization.jsonMapper().writeValueAsBytes(review);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The made-up sets, and a namespace nobody has. */
  private record FixedCache(List<SidecarSet> sets) implements ClusterCache {
    @Override
    public Collection<SidecarSet> sidecarSets() {
      return sets;
    }

    @Override
    public Optional<Map<String, String>> namespaceLabels(String namespace) {
      return Optional.of(Map.of());
    }

    @Override
    public boolean synced() {
      return true;
    }

    @Override
    public void close() {}
  }
}
