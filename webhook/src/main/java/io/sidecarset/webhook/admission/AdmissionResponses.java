package io.sidecarset.webhook.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonDiff;
import io.sidecarset.core.validate.FieldError;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Builds AdmissionResponses. A mutation is expressed only as the JSON Patch between the object
 * received and the object wanted, computed by a diff, never assembled by hand: whatever core
 * changes, the patch says exactly that.
 */
public final class AdmissionResponses {

  public static final String PATCH_TYPE_JSON_PATCH = "JSONPatch";
  public static final String REASON_INVALID = "Invalid";

  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private AdmissionResponses() {}

  /** Allowed, unchanged. */
  public static AdmissionResponse allow(String uid, List<String> warnings) {
    AdmissionResponse response = new AdmissionResponse();
    response.setUid(uid);
    response.setAllowed(true);
    if (!warnings.isEmpty()) {
      response.setWarnings(List.copyOf(warnings));
    }
    return response;
  }

  /** Allowed, with {@code patch} (a JSON Patch array) applied; an empty patch is a plain allow. */
  public static AdmissionResponse patch(String uid, JsonNode patch, List<String> warnings) {
    AdmissionResponse response = allow(uid, warnings);
    if (patch.isEmpty()) {
      return response;
    }
    response.setPatchType(PATCH_TYPE_JSON_PATCH);
    response.setPatch(
        Base64.getEncoder().encodeToString(patch.toString().getBytes(StandardCharsets.UTF_8)));
    return response;
  }

  /** The JSON Patch that turns {@code original} into {@code mutated}, as the model serialises. */
  public static JsonNode diff(Object original, Object mutated) {
    return JsonDiff.asJson(JSON.valueToTree(original), JSON.valueToTree(mutated));
  }

  /**
   * Denied because the object is invalid: HTTP-style code 422, reason {@code Invalid}, the message
   * listing every error with its field path (as the apiserver phrases its own validation errors),
   * and one {@code details.causes} entry per error for clients that read them.
   *
   * @param qualifiedKind e.g. {@code SidecarSet.apps.sidecarset.io}
   * @param errors field path and message per error; at least one
   */
  public static AdmissionResponse invalid(
      String uid, String qualifiedKind, String name, List<FieldError> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a denial needs at least one error");
    }
    StringBuilder message =
        new StringBuilder(qualifiedKind).append(" \"").append(name).append("\" is invalid: ");
    if (errors.size() > 1) {
      message.append('[');
    }
    for (int i = 0; i < errors.size(); i++) {
      if (i > 0) {
        message.append(", ");
      }
      message.append(errors.get(i).field()).append(": ").append(errors.get(i).message());
    }
    if (errors.size() > 1) {
      message.append(']');
    }
    List<StatusCause> causes =
        errors.stream()
            .map(e -> new StatusCause(e.field(), e.message(), "FieldValueInvalid"))
            .toList();
    Status status =
        new StatusBuilder()
            .withStatus("Failure")
            .withCode(AdmissionReviewCodec.UNPROCESSABLE)
            .withReason(REASON_INVALID)
            .withMessage(message.toString())
            .withNewDetails()
            .withName(name)
            .withGroup(groupOf(qualifiedKind))
            .withKind(kindOf(qualifiedKind))
            .withCauses(causes)
            .endDetails()
            .build();
    AdmissionResponse response = new AdmissionResponse();
    response.setUid(uid);
    response.setAllowed(false);
    response.setStatus(status);
    return response;
  }

  private static String kindOf(String qualifiedKind) {
    int dot = qualifiedKind.indexOf('.');
    return dot < 0 ? qualifiedKind : qualifiedKind.substring(0, dot);
  }

  private static String groupOf(String qualifiedKind) {
    int dot = qualifiedKind.indexOf('.');
    return dot < 0 ? "" : qualifiedKind.substring(dot + 1);
  }
}
