package io.sidecarset.webhook.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads {@code admission.k8s.io/v1} AdmissionReview requests and writes their responses. Only v1 is
 * accepted: the webhook configurations declare {@code admissionReviewVersions: ["v1"]}.
 */
public final class AdmissionReviewCodec {

  public static final String API_VERSION = "admission.k8s.io/v1";
  public static final String KIND = "AdmissionReview";

  /** {@code request.operation} values this webhook acts on. */
  public static final String CREATE = "CREATE";

  public static final String UPDATE = "UPDATE";

  static final int BAD_REQUEST = 400;
  static final int UNPROCESSABLE = 422;

  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private AdmissionReviewCodec() {}

  /**
   * The request in the body.
   *
   * @throws BadAdmissionRequestException (400) when the body is not JSON, not an AdmissionReview
   *     v1, or has no request or uid
   */
  public static AdmissionRequest decode(InputStream body) throws BadAdmissionRequestException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new BadAdmissionRequestException(
          BAD_REQUEST, "body is not JSON: " + firstLine(originalMessage(e)), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new BadAdmissionRequestException(BAD_REQUEST, "body is empty");
    }
    if (!root.isObject()) {
      throw new BadAdmissionRequestException(BAD_REQUEST, "body is not a JSON object");
    }
    String apiVersion = root.path("apiVersion").asText("");
    String kind = root.path("kind").asText("");
    if (!KIND.equals(kind) || !API_VERSION.equals(apiVersion)) {
      throw new BadAdmissionRequestException(
          BAD_REQUEST,
          "expected apiVersion "
              + API_VERSION
              + " kind "
              + KIND
              + ", got apiVersion '"
              + apiVersion
              + "' kind '"
              + kind
              + "'");
    }
    // the objects stay JSON trees: read once into their type by objectAs, not via a Map first
    JsonNode requestNode = root.get("request");
    JsonNode object = null;
    JsonNode oldObject = null;
    if (requestNode instanceof ObjectNode fields) {
      object = fields.remove("object");
      oldObject = fields.remove("oldObject");
    }
    AdmissionReview review;
    try {
      review = JSON.treeToValue(root, AdmissionReview.class);
    } catch (JsonProcessingException e) {
      throw new BadAdmissionRequestException(
          BAD_REQUEST, "malformed AdmissionReview: " + firstLine(e.getOriginalMessage()), e);
    }
    AdmissionRequest request = review.getRequest();
    if (request == null) {
      throw new BadAdmissionRequestException(BAD_REQUEST, "AdmissionReview has no request");
    }
    if (request.getUid() == null || request.getUid().isEmpty()) {
      throw new BadAdmissionRequestException(BAD_REQUEST, "AdmissionReview request has no uid");
    }
    request.setObject(nullIfJsonNull(object));
    request.setOldObject(nullIfJsonNull(oldObject));
    return request;
  }

  /** The AdmissionReview v1 that carries {@code response}, as JSON. */
  public static byte[] encode(AdmissionResponse response) {
    AdmissionReview review = new AdmissionReview();
    review.setApiVersion(API_VERSION);
    review.setKind(KIND);
    review.setResponse(response);
    try {
      return JSON.writeValueAsBytes(review);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an AdmissionReview always serialises", e);
    }
  }

  /**
   * The request's {@code object} (or {@code oldObject}) as {@code type}. {@link #decode} leaves
   * them as JSON trees; a request built in code may carry the typed object itself.
   *
   * @throws BadAdmissionRequestException (400) when it is missing or not that kind
   */
  public static <T> T objectAs(Object object, Class<T> type, String field)
      throws BadAdmissionRequestException {
    if (object == null) {
      throw new BadAdmissionRequestException(BAD_REQUEST, "request." + field + " is missing");
    }
    if (type.isInstance(object)) {
      return type.cast(object);
    }
    try {
      return object instanceof JsonNode tree
          ? JSON.treeToValue(tree, type)
          : JSON.convertValue(object, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new BadAdmissionRequestException(
          BAD_REQUEST,
          "request."
              + field
              + " is not a "
              + type.getSimpleName()
              + ": "
              + firstLine(e.getMessage()),
          e);
    }
  }

  private static JsonNode nullIfJsonNull(JsonNode node) {
    return node == null || node.isNull() ? null : node;
  }

  private static String originalMessage(IOException e) {
    return e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
