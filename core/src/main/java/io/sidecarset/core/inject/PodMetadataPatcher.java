package io.sidecarset.core.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sidecarset.api.v1alpha1.SidecarSetPatchPodMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a SidecarSet's {@code patchPodMetadata} to pod annotations, as Kruise's {@code
 * PatchPodMetadata} does: {@code Retain} adds keys the pod lacks, {@code Overwrite} sets them,
 * {@code MergePatchJson} merge-patches (RFC 7386) the pod's JSON value with the set's. Used at
 * injection, and by the controller when it re-applies patches on upgrade.
 */
public final class PodMetadataPatcher {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PodMetadataPatcher() {}

  /**
   * The annotations after the patches, and warnings.
   *
   * @param annotations the pod's annotations (not modified; null reads as none)
   * @param patches the set's patches, applied in order
   */
  public static Patched apply(
      Map<String, String> annotations, List<SidecarSetPatchPodMetadata> patches) {
    Map<String, String> result =
        annotations == null ? new LinkedHashMap<>() : new LinkedHashMap<>(annotations);
    List<String> warnings = new ArrayList<>();
    if (patches != null) {
      for (SidecarSetPatchPodMetadata patch : patches) {
        if (patch == null || patch.getAnnotations() == null) {
          continue;
        }
        String policy = patch.patchPolicyOrDefault();
        for (Map.Entry<String, String> entry : patch.getAnnotations().entrySet()) {
          applyOne(result, policy, entry.getKey(), entry.getValue(), warnings);
        }
      }
    }
    return new Patched(result, warnings);
  }

  private static void applyOne(
      Map<String, String> annotations,
      String policy,
      String key,
      String value,
      List<String> warnings) {
    String current = annotations.get(key);
    switch (policy) {
      case SidecarSetPatchPodMetadata.OVERWRITE -> annotations.put(key, value);
      case SidecarSetPatchPodMetadata.MERGE_PATCH_JSON -> {
        if (current == null || current.isEmpty()) {
          annotations.put(key, value);
          return;
        }
        try {
          JsonNode merged = JsonMergePatch.apply(JSON.readTree(current), JSON.readTree(value));
          annotations.put(key, JSON.writeValueAsString(merged));
        } catch (JsonProcessingException e) {
          // Kruise fails the admission here; keeping the pod's value lets the pod start and
          // the warning tells the user which annotation was left alone.
          warnings.add(
              "annotation "
                  + key
                  + " kept: MergePatchJson needs JSON on both sides ("
                  + e.getOriginalMessage()
                  + ")");
        }
      }
      // Retain, and an unknown policy that validation would have rejected
      default -> annotations.putIfAbsent(key, value);
    }
  }

  /**
   * Patched annotations.
   *
   * @param annotations the full annotation map after patching
   * @param warnings patches that could not be applied, one line each
   */
  public record Patched(Map<String, String> annotations, List<String> warnings) {}
}
