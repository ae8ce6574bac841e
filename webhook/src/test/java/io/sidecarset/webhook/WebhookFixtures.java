package io.sidecarset.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarContainerUpgradeStrategy;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetSpec;
import io.sidecarset.webhook.admission.AdmissionReviewCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** SidecarSets, pods and AdmissionReviews for the webhook's tests. */
public final class WebhookFixtures {

  public static final String APP_IMAGE = "example/app:1";
  public static final String EMPTY_IMAGE = "sidecarset/empty:1";

  private WebhookFixtures() {}

  /** A set with one HotUpgrade sidecar {@code <name>-proxy} selecting {@code app=<app>}. */
  public static SidecarSet hotUpgradeSet(String name, String app) {
    SidecarContainer proxy = new SidecarContainer(name + "-proxy", "example/proxy:1");
    proxy.setUpgradeStrategy(
        new SidecarContainerUpgradeStrategy(
            SidecarContainerUpgradeStrategy.HOT_UPGRADE, EMPTY_IMAGE));
    return set(name, app, proxy);
  }

  /** A set with one ColdUpgrade sidecar {@code <name>-agent} selecting {@code app=<app>}. */
  public static SidecarSet coldSet(String name, String app) {
    return set(name, app, new SidecarContainer(name + "-agent", "example/agent:1"));
  }

  public static SidecarSet set(String name, String app, SidecarContainer... containers) {
    SidecarSet set = new SidecarSet();
    set.setMetadata(new ObjectMetaBuilder().withName(name).build());
    SidecarSetSpec spec = new SidecarSetSpec();
    spec.setSelector(new LabelSelectorBuilder().addToMatchLabels("app", app).build());
    for (SidecarContainer container : containers) {
      spec.addContainer(container);
    }
    set.setSpec(spec);
    return set;
  }

  /** A pod as the apiserver sends it on CREATE: generateName, no namespace, one app container. */
  public static Pod pod(String app) {
    return new PodBuilder()
        .withNewMetadata()
        .withGenerateName(app + "-")
        .addToLabels("app", app)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(APP_IMAGE)
        .endContainer()
        .endSpec()
        .build();
  }

  /** A request about a pod in {@code namespace}. */
  public static AdmissionRequest podRequest(
      String uid, String operation, String namespace, Pod pod) {
    AdmissionRequest request = new AdmissionRequest();
    request.setUid(uid);
    request.setKind(new GroupVersionKind("", "Pod", "v1"));
    request.setResource(new GroupVersionResource("", "pods", "v1"));
    request.setOperation(operation);
    request.setNamespace(namespace);
    request.setObject(pod);
    request.setDryRun(false);
    return request;
  }

  /** A request about a SidecarSet. */
  public static AdmissionRequest sidecarSetRequest(
      String uid, String operation, SidecarSet set, SidecarSet old) {
    AdmissionRequest request = new AdmissionRequest();
    request.setUid(uid);
    request.setKind(new GroupVersionKind(SidecarSet.GROUP, SidecarSet.KIND, SidecarSet.VERSION));
    request.setResource(
        new GroupVersionResource(SidecarSet.GROUP, SidecarSet.PLURAL, SidecarSet.VERSION));
    request.setOperation(operation);
    request.setName(set.getMetadata().getName());
    request.setObject(set);
    request.setOldObject(old);
    request.setDryRun(false);
    return request;
  }

  /** The AdmissionReview v1 JSON body carrying {@code request}, as the apiserver sends it. */
  public static byte[] reviewBody(AdmissionRequest request) {
    AdmissionReview review = new AdmissionReview();
    review.setApiVersion(AdmissionReviewCodec.API_VERSION);
    review.setKind(AdmissionReviewCodec.KIND);
    review.setRequest(request);
    // objects go out with apiVersion/kind, as the apiserver writes them
    ObjectNode tree = Serialization.jsonMapper().valueToTree(review);
    return tree.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Labels map shorthand. */
  public static Map<String, String> labels(String key, String value) {
    return Map.of(key, value);
  }
}
