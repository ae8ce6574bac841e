package io.sidecarset.webhook.cluster;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.sidecarset.api.v1alpha1.SidecarSet;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterCache} over two fabric8 SharedIndexInformers (SidecarSets, Namespaces). Starting
 * does not wait for the initial lists; {@link #synced()} says when they are in.
 */
public final class InformerClusterCache implements ClusterCache {

  private static final Logger LOG = LoggerFactory.getLogger(InformerClusterCache.class);

  private final SharedIndexInformer<SidecarSet> sidecarSets;
  private final SharedIndexInformer<Namespace> namespaces;

  private InformerClusterCache(
      SharedIndexInformer<SidecarSet> sidecarSets, SharedIndexInformer<Namespace> namespaces) {
    this.sidecarSets = sidecarSets;
    this.namespaces = namespaces;
  }

  /**
   * Starts both informers; returns at once. They retry every failure, the first list included
   * (fabric8's default gives up on those): a webhook started before its CRD or its RBAC must become
   * ready once they exist, not stay unready for good.
   */
  public static InformerClusterCache start(KubernetesClient client) {
    SharedIndexInformer<SidecarSet> sidecarSets =
        client.resources(SidecarSet.class).runnableInformer(0);
    SharedIndexInformer<Namespace> namespaces = client.namespaces().runnableInformer(0);
    sidecarSets.exceptionHandler(InformerClusterCache::retryAlways);
    namespaces.exceptionHandler(InformerClusterCache::retryAlways);
    sidecarSets.start();
    namespaces.start();
    return new InformerClusterCache(sidecarSets, namespaces);
  }

  /** Logs the failure and asks fabric8 to reconnect (with its backoff). */
  public static boolean retryAlways(boolean started, Throwable failure) {
    LOG.warn(
        "watch failed ({}); retrying: {}",
        started ? "after sync" : "before sync",
        failure.toString());
    return true;
  }

  @Override
  public Collection<SidecarSet> sidecarSets() {
    return sidecarSets.getStore().list();
  }

  @Override
  public Optional<Map<String, String>> namespaceLabels(String namespace) {
    Namespace found = namespaces.getStore().getByKey(namespace);
    if (found == null) {
      return Optional.empty();
    }
    Map<String, String> labels = found.getMetadata().getLabels();
    return Optional.of(labels == null ? Map.of() : labels);
  }

  @Override
  public boolean synced() {
    return sidecarSets.hasSynced() && namespaces.hasSynced();
  }

  @Override
  public void close() {
    sidecarSets.close();
    namespaces.close();
  }
}
