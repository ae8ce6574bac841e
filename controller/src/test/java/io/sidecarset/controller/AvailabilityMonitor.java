package io.sidecarset.controller;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches a namespace's pods and keeps the largest number of pods unavailable at once (a container
 * whose new image the kubelet has not applied, or a pod not ready), as seen through every change.
 */
final class AvailabilityMonitor implements AutoCloseable {

  private final Map<String, Boolean> unavailable = new ConcurrentHashMap<>();
  private final AtomicInteger peak = new AtomicInteger();
  private final SharedIndexInformer<Pod> informer;

  AvailabilityMonitor(KubernetesClient client, String namespace) {
    informer =
        client
            .pods()
            .inNamespace(namespace)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    observe(pod);
                  }

                  @Override
                  public void onUpdate(Pod old, Pod pod) {
                    observe(pod);
                  }

                  @Override
                  public void onDelete(Pod pod, boolean unknown) {
                    unavailable.remove(pod.getMetadata().getName());
                  }
                });
  }

  private synchronized void observe(Pod pod) {
    unavailable.put(pod.getMetadata().getName(), RolloutTester.unavailable(pod));
    peak.accumulateAndGet(current(), Math::max);
  }

  /** Starts counting from now (pods not yet running at creation do not count). */
  synchronized void reset() {
    peak.set(current());
  }

  synchronized int current() {
    return (int) unavailable.values().stream().filter(b -> b).count();
  }

  /** The largest number of unavailable pods seen since {@link #reset()}. */
  int peak() {
    return peak.get();
  }

  @Override
  public void close() {
    informer.close();
  }
}
