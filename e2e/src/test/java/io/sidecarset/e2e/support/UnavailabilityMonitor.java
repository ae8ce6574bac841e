package io.sidecarset.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches a set of pods throughout a rollout and remembers the most that were unavailable (not
 * Ready) at the same time, with a timeline of every change, from the watch's events: each readiness
 * change of each pod is an event, so no window between two polls can hide an overlap.
 */
public final class UnavailabilityMonitor implements AutoCloseable {

  /** One change of the number of unavailable pods. */
  public record Change(Instant at, String pod, boolean ready, int unavailable) {}

  private final Map<String, Boolean> readiness = new HashMap<>();
  private final List<Change> timeline = new ArrayList<>();
  private final Watch watch;
  private int maxUnavailable;
  private String failure;

  /**
   * Starts watching the pods with {@code labels} in {@code namespace}; reads the current state
   * first.
   */
  public UnavailabilityMonitor(
      KubernetesClient client, String namespace, Map<String, String> labels) {
    synchronized (this) {
      for (Pod pod : client.pods().inNamespace(namespace).withLabels(labels).list().getItems()) {
        record(pod.getMetadata().getName(), PodInspection.isReady(pod));
      }
    }
    this.watch =
        client
            .pods()
            .inNamespace(namespace)
            .withLabels(labels)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    boolean ready = action != Action.DELETED && PodInspection.isReady(pod);
                    record(pod.getMetadata().getName(), ready);
                  }

                  @Override
                  public void onClose(WatcherException cause) {
                    synchronized (UnavailabilityMonitor.this) {
                      failure = "watch closed: " + cause;
                    }
                  }
                });
  }

  private synchronized void record(String pod, boolean ready) {
    Boolean before = readiness.put(pod, ready);
    if (before != null && before == ready) {
      return;
    }
    int unavailable = (int) readiness.values().stream().filter(r -> !r).count();
    maxUnavailable = Math.max(maxUnavailable, unavailable);
    timeline.add(new Change(Instant.now(), pod, ready, unavailable));
  }

  /** The most pods that were not Ready at the same time. */
  public synchronized int maxUnavailable() {
    return maxUnavailable;
  }

  public synchronized List<Change> timeline() {
    return List.copyOf(timeline);
  }

  /** Why the watch ended early, or null: a monitor that stopped watching proves nothing. */
  public synchronized String failure() {
    return failure;
  }

  @Override
  public void close() {
    watch.close();
  }
}
