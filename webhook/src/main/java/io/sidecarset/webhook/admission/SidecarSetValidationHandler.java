package io.sidecarset.webhook.admission;

import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.core.validate.SidecarSetValidator;
import io.sidecarset.core.validate.ValidationResult;
import io.sidecarset.webhook.cluster.ClusterCache;
import java.util.List;

/**
 * {@code /validate-sidecarset}: core's validator on a SidecarSet being created or updated, against
 * the other SidecarSets in the cache. A denial lists every broken rule with its field path. Deletes
 * (and anything but CREATE/UPDATE) are allowed.
 */
public final class SidecarSetValidationHandler implements AdmissionHandler {

  public static final String ENDPOINT = "/validate-sidecarset";
  static final String QUALIFIED_KIND = SidecarSet.KIND + "." + SidecarSet.GROUP;

  private final ClusterCache cache;
  private final SidecarSetValidator validator;

  public SidecarSetValidationHandler(ClusterCache cache, SidecarSetValidator validator) {
    this.cache = cache;
    this.validator = validator;
  }

  @Override
  public AdmissionResponse handle(AdmissionRequest request) throws BadAdmissionRequestException {
    requireSidecarSets(request);
    String uid = request.getUid();
    String operation = request.getOperation();
    boolean create = AdmissionReviewCodec.CREATE.equals(operation);
    boolean update = AdmissionReviewCodec.UPDATE.equals(operation);
    if ((!create && !update) || hasText(request.getSubResource())) {
      // status updates by the controller go through the status subresource: nothing to check
      return AdmissionResponses.allow(uid, List.of());
    }
    SidecarSet set = AdmissionReviewCodec.objectAs(request.getObject(), SidecarSet.class, "object");
    ValidationResult result;
    if (create) {
      result = validator.validateCreate(set, cache.sidecarSets());
    } else {
      SidecarSet old =
          AdmissionReviewCodec.objectAs(request.getOldObject(), SidecarSet.class, "oldObject");
      result = validator.validateUpdate(set, old, cache.sidecarSets());
    }
    if (result.isValid()) {
      return AdmissionResponses.allow(uid, List.of());
    }
    String name = set.getMetadata() == null ? request.getName() : set.getMetadata().getName();
    return AdmissionResponses.invalid(uid, QUALIFIED_KIND, name, result.errors());
  }

  private static void requireSidecarSets(AdmissionRequest request)
      throws BadAdmissionRequestException {
    GroupVersionResource resource = request.getResource();
    boolean sidecarSets =
        resource != null
            && SidecarSet.GROUP.equals(resource.getGroup())
            && SidecarSet.PLURAL.equals(resource.getResource());
    if (!sidecarSets) {
      throw new BadAdmissionRequestException(
          AdmissionReviewCodec.BAD_REQUEST,
          ENDPOINT
              + " handles "
              + SidecarSet.GROUP
              + "/"
              + SidecarSet.PLURAL
              + ", got resource "
              + PodMutationHandler.describe(resource));
    }
  }

  private static boolean hasText(String value) {
    return value != null && !value.isEmpty();
  }
}
