package io.sidecarset.core.pod;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads and writes the per-set hash maps kept in a pod annotation ({@code sidecarset.io/hash} or
 * {@code sidecarset.io/hash-without-image}). Unreadable values read as empty: a pod with a
 * corrupted annotation is treated as not injected rather than failing every decision about it.
 */
public final class PodSidecarSetHashes {

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
  private static final TypeReference<Map<String, PodSidecarSetHash>> MAP_TYPE =
      new TypeReference<>() {};

  private PodSidecarSetHashes() {}

  /** The map stored under {@code annotationKey}, empty when absent or unreadable. */
  public static Map<String, PodSidecarSetHash> read(
      Map<String, String> annotations, String annotationKey) {
    String value = annotations == null ? null : annotations.get(annotationKey);
    if (value == null || value.isBlank()) {
      return new TreeMap<>();
    }
    try {
      Map<String, PodSidecarSetHash> parsed = JSON.readValue(value, MAP_TYPE);
      return parsed == null ? new TreeMap<>() : new TreeMap<>(parsed);
    } catch (JsonProcessingException e) {
      return new TreeMap<>();
    }
  }

  /** One set's entry under {@code annotationKey}. */
  public static Optional<PodSidecarSetHash> read(
      Map<String, String> annotations, String annotationKey, String sidecarSetName) {
    return Optional.ofNullable(read(annotations, annotationKey).get(sidecarSetName));
  }

  /** The JSON value for the annotation, keys sorted so equal maps give equal strings. */
  public static String write(Map<String, PodSidecarSetHash> hashes) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(hashes));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("hash entries are plain records", e);
    }
  }
}
