package io.sidecarset.core.upgrade;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.sidecarset.api.SidecarSetConditions;
import io.sidecarset.core.status.StatusConditions;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The pod condition {@code sidecarset.io/SidecarSetUpgradable}, shared by every set injected into
 * the pod: its message is Kruise's JSON map of set name to "can upgrade in place", and it is False
 * as soon as one set cannot.
 */
final class UpgradableCondition {

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  private UpgradableCondition() {}

  /**
   * The condition with {@code setName}'s entry set to {@code upgradable}, or null when the pod's
   * condition says exactly that already.
   */
  static PodCondition changed(Pod pod, String setName, boolean upgradable, Instant now) {
    PodCondition current = current(pod);
    Map<String, Boolean> entries = entries(current);
    if (current != null && Objects.equals(entries.get(setName), upgradable)) {
      return null;
    }
    entries.put(setName, upgradable);
    boolean all = entries.values().stream().allMatch(Boolean::booleanValue);
    String status = all ? "True" : "False";
    String transition =
        current != null
                && status.equals(current.getStatus())
                && current.getLastTransitionTime() != null
            ? current.getLastTransitionTime()
            : StatusConditions.rfc3339(now);
    return new PodConditionBuilder()
        .withType(SidecarSetConditions.POD_UPGRADABLE)
        .withStatus(status)
        .withReason(
            all
                ? SidecarSetConditions.REASON_UPGRADABLE
                : SidecarSetConditions.REASON_UPDATE_IMMUTABLE_FIELD)
        .withMessage(write(entries))
        .withLastTransitionTime(transition)
        .build();
  }

  /** The set's entry in the pod's condition, or null. */
  static Boolean entry(Pod pod, String setName) {
    return entries(current(pod)).get(setName);
  }

  private static PodCondition current(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> SidecarSetConditions.POD_UPGRADABLE.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  private static Map<String, Boolean> entries(PodCondition condition) {
    if (condition == null || condition.getMessage() == null || condition.getMessage().isBlank()) {
      return new TreeMap<>();
    }
    try {
      Map<String, Boolean> parsed =
          JSON.readValue(condition.getMessage(), new TypeReference<Map<String, Boolean>>() {});
      return parsed == null ? new TreeMap<>() : new TreeMap<>(parsed);
    } catch (JsonProcessingException e) {
      return new TreeMap<>();
    }
  }

  private static String write(Map<String, Boolean> entries) {
    try {
      return JSON.writeValueAsString(entries);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of booleans always serialises", e);
    }
  }
}
