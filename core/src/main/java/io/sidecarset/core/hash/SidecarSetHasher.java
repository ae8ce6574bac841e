package io.sidecarset.core.hash;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarSet;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The two hashes that decide upgrades. A pod whose recorded hash differs from its set's needs an
 * update; it can be updated in place only when the hash without images is equal, since a running
 * pod accepts no change but its images.
 *
 * <p>Both hash the set's containers as canonical JSON: properties and map keys sorted, nulls and
 * empty values dropped. So field order, JVM runs and empty-versus-absent lists do not matter.
 */
public final class SidecarSetHasher {

  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .serializationInclusion(JsonInclude.Include.NON_EMPTY)
          .build();

  private SidecarSetHasher() {}

  /** sha256 (hex) of the set's containers. */
  public static String hash(SidecarSet set) {
    return sha256(canonicalContainers(set, false));
  }

  /** sha256 (hex) of the set's containers with every {@code image} blanked. */
  public static String hashWithoutImage(SidecarSet set) {
    return sha256(canonicalContainers(set, true));
  }

  private static byte[] canonicalContainers(SidecarSet set, boolean blankImages) {
    List<SidecarContainer> containers = set.getSpec().containersOrEmpty();
    try {
      var array = CANONICAL.createArrayNode();
      for (SidecarContainer container : containers) {
        ObjectNode node = CANONICAL.valueToTree(container);
        if (blankImages) {
          node.remove("image");
        }
        array.add(node);
      }
      // valueToTree keeps declaration order for ObjectNode fields; re-serialising through a
      // sorted Object keeps the output independent of it.
      Object sorted = CANONICAL.treeToValue(array, Object.class);
      return CANONICAL.writeValueAsBytes(sorted);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("SidecarSet containers are not serialisable", e);
    }
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
