package io.sidecarset.webhook.cluster;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.sidecarset.api.v1alpha1.SidecarSet;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * {@link ClusterCache} over two fabric8 SharedIndexInformers (SidecarSets, Namespaces). Starting
 * does not wait for the initial lists; {@link #synced()} says when they are in.
 */
public final class InformerClusterCache implements ClusterCache {

  private final SharedIndexInformer<SidecarSet> sidecarSets;
  private final SharedIndexInformer<Namespace> namespaces;

  private InformerClusterCache(
      SharedIndexInformer<SidecarSet> sidecarSets, SharedIndexInformer<Namespace> namespaces) {
    this.sidecarSets = sidecarSets;
    this.namespaces = namespaces;
  }

  /** Starts both informers; returns at once. */
  public static InformerClusterCache start(KubernetesClient client) {
    SharedIndexInformer<SidecarSet> sidecarSets =
        client.resources(SidecarSet.class).runnableInformer(0);
    SharedIndexInformer<Namespace> namespaces = client.namespaces().runnableInformer(0);
    sidecarSets.start();
    namespaces.start();
    return new InformerClusterCache(sidecarSets, namespaces);
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
