package io.sidecarset.core.inject;

import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.core.hash.SidecarSetHasher;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the two hashes of each stored SidecarSet version. A set read from the apiserver carries
 * a {@code resourceVersion}, and its spec cannot change without that changing, so {@code
 * name@resourceVersion} identifies the hashed content; hashing is a third of an injection's cost
 * and the webhook sees the same few set versions for every pod. A set without a resourceVersion
 * (built in memory) is hashed every time.
 */
final class SidecarSetHashCache {

  /** Far above the number of live SidecarSet versions; reaching it just starts over. */
  private static final int MAX_ENTRIES = 1024;

  private final Map<String, Hashes> byVersion = new ConcurrentHashMap<>();

  Hashes of(SidecarSet set) {
    String version = set.getMetadata() == null ? null : set.getMetadata().getResourceVersion();
    if (version == null || version.isEmpty()) {
      return compute(set);
    }
    String key = set.getMetadata().getName() + "@" + version;
    Hashes cached = byVersion.get(key);
    if (cached != null) {
      return cached;
    }
    if (byVersion.size() >= MAX_ENTRIES) {
      byVersion.clear();
    }
    Hashes computed = compute(set);
    byVersion.put(key, computed);
    return computed;
  }

  private static Hashes compute(SidecarSet set) {
    return new Hashes(SidecarSetHasher.hash(set), SidecarSetHasher.hashWithoutImage(set));
  }

  /** {@link SidecarSetHasher#hash} and {@link SidecarSetHasher#hashWithoutImage} of one set. */
  record Hashes(String hash, String withoutImage) {}
}
