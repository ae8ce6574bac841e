package io.sidecarset.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import java.util.EnumSet;
import java.util.Optional;

/**
 * The JSON Patch that takes a pod from the version the planner saw to the version it wants: the
 * difference between the two, preceded by a {@code test} of {@code metadata.resourceVersion}. The
 * API server applies it only if nobody changed the pod since (else 422/409), so a step planned from
 * stale state is never taken, and a step already taken is never taken twice.
 */
final class GuardedPodPatch {

  static final String RESOURCE_VERSION_PATH = "/metadata/resourceVersion";
  static final String STATUS_PATH = "/status";

  /** Which part of the pod a patch may touch: each goes to its own endpoint. */
  enum Scope {
    /** metadata and spec: {@code PATCH pods/NAME}. */
    POD,
    /** status: {@code PATCH pods/NAME/status}. */
    STATUS
  }

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private GuardedPodPatch() {}

  /**
   * The patch from {@code planned} to {@code desired} within {@code scope}, guarded by {@code
   * resourceVersion}; empty when there is nothing to change in that scope.
   */
  static Optional<String> of(Pod planned, Pod desired, String resourceVersion, Scope scope) {
    JsonNode from = SERIALIZATION.convertValue(planned, JsonNode.class);
    JsonNode to = SERIALIZATION.convertValue(desired, JsonNode.class);
    JsonNode diff =
        JsonDiff.asJson(
            from, to, EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION));
    ArrayNode ops = JsonNodeFactory.instance.arrayNode();
    ops.addObject()
        .put("op", "test")
        .put("path", RESOURCE_VERSION_PATH)
        .put("value", resourceVersion);
    for (JsonNode op : diff) {
      String path = op.path("path").asText();
      boolean status = path.equals(STATUS_PATH) || path.startsWith(STATUS_PATH + "/");
      if (path.equals(RESOURCE_VERSION_PATH)) {
        continue;
      }
      if (status == (scope == Scope.STATUS)) {
        ops.add(op);
      }
    }
    return ops.size() == 1 ? Optional.empty() : Optional.of(ops.toString());
  }
}
