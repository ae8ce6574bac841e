package io.sidecarset.webhook.cluster;

import io.sidecarset.api.v1alpha1.SidecarSet;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster state admission decisions read: every SidecarSet and the labels of every Namespace,
 * held in memory and kept current by watches, so that no request waits on the API server. Objects
 * returned are shared with the cache: callers must not modify them.
 */
public interface ClusterCache extends AutoCloseable {

  /** Every SidecarSet, as last seen. */
  Collection<SidecarSet> sidecarSets();

  /**
   * The labels of the namespace; empty when it is not (yet) in the cache, e.g. created a moment ago
   * and its watch event still in flight.
   */
  Optional<Map<String, String>> namespaceLabels(String namespace);

  /** True once the initial lists of SidecarSets and Namespaces have been loaded. */
  boolean synced();

  @Override
  void close();
}
