package io.sidecarset.webhook.cluster;

import io.sidecarset.api.v1alpha1.SidecarSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A fixed {@link ClusterCache} for handler tests. */
public record InMemoryClusterCache(
    List<SidecarSet> sets, Map<String, Map<String, String>> namespaces, boolean synced)
    implements ClusterCache {

  public static InMemoryClusterCache of(
      List<SidecarSet> sets, Map<String, Map<String, String>> namespaces) {
    return new InMemoryClusterCache(sets, namespaces, true);
  }

  @Override
  public Collection<SidecarSet> sidecarSets() {
    return sets;
  }

  @Override
  public Optional<Map<String, String>> namespaceLabels(String namespace) {
    return Optional.ofNullable(namespaces.get(namespace));
  }

  @Override
  public void close() {}
}
