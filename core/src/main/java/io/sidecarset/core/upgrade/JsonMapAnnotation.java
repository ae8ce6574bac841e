package io.sidecarset.core.upgrade;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.pod.HotUpgradeProgress;
import io.sidecarset.api.pod.InPlaceUpdateState;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pod annotation whose value is a JSON map (sidecar or set name to a value). Reads never fail: an
 * absent or unreadable value reads as an empty map, so one corrupted annotation cannot wedge every
 * decision about the pod. Writes sort the keys, so equal maps give equal strings.
 *
 * @param <V> the type of the map's values
 */
public final class JsonMapAnnotation<V> {

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  /** {@code sidecarset.io/working-hotupgrade-container}: sidecar name to its working slot. */
  public static final JsonMapAnnotation<String> WORKING_SLOTS =
      new JsonMapAnnotation<>(
          SidecarSetAnnotations.WORKING_HOTUPGRADE_CONTAINER, new TypeReference<>() {});

  /** {@code sidecarset.io/hotupgrade-state}: sidecar name to its upgrade progress. */
  public static final JsonMapAnnotation<HotUpgradeProgress> HOT_UPGRADE_STATE =
      new JsonMapAnnotation<>(SidecarSetAnnotations.HOTUPGRADE_STATE, new TypeReference<>() {});

  /** {@code sidecarset.io/inplace-update-state}: set name to the statuses before a change. */
  public static final JsonMapAnnotation<InPlaceUpdateState> INPLACE_UPDATE_STATE =
      new JsonMapAnnotation<>(SidecarSetAnnotations.INPLACE_UPDATE_STATE, new TypeReference<>() {});

  private final String key;
  private final TypeReference<Map<String, V>> type;

  private JsonMapAnnotation(String key, TypeReference<Map<String, V>> type) {
    this.key = key;
    this.type = type;
  }

  /** The annotation key. */
  public String key() {
    return key;
  }

  /** The map in {@code annotations}, a new mutable sorted map; empty if absent or unreadable. */
  public Map<String, V> read(Map<String, String> annotations) {
    String value = annotations == null ? null : annotations.get(key);
    if (value == null || value.isBlank()) {
      return new TreeMap<>();
    }
    try {
      Map<String, V> parsed = JSON.readValue(value, type);
      return parsed == null ? new TreeMap<>() : new TreeMap<>(parsed);
    } catch (JsonProcessingException e) {
      return new TreeMap<>();
    }
  }

  /** The annotation value for {@code map}. */
  public String write(Map<String, V> map) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(map));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("annotation values are plain records and strings", e);
    }
  }
}
