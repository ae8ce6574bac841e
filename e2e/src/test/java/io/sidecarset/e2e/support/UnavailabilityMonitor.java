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
 * Watches a set of pods throughout a rollout and remembers the most that were unavailable at the
 * same time ({@link PodInspection#isAvailable}: Ready, and every container running the image its
 * spec asks for), with a timeline of every change, from the watch's events: the controller's patch
 * and each status change of each pod is an event, so no window between two polls can hide an
 * overlap.
 */
public final class UnavailabilityMonitor implements AutoCloseable {

  /** One change of one pod's availability, and the number of unavailable pods after it. */
  public record Change(Instant at, String pod, boolean available, int unavailable) {}

  private final Map<String, Boolean> availability = new HashMap<>();
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
        record(pod.getMetadata().getName(), PodInspection.isAvailable(pod));
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
                    boolean available = action != Action.DELETED && PodInspection.isAvailable(pod);
                    record(pod.getMetadata().getName(), available);
                  }

                  @Override
                  public void onClose(WatcherException cause) {
                    synchronized (UnavailabilityMonitor.this) {
                      failure = "watch closed: " + cause;
                    }
                  }
                });
  }

  private synchronized void record(String pod, boolean available) {
    Boolean before = availability.put(pod, available);
    if (before != null && before == available) {
      return;
    }
    int unavailable = (int) availability.values().stream().filter(a -> !a).count();
    maxUnavailable = Math.max(maxUnavailable, unavailable);
    timeline.add(new Change(Instant.now(), pod, available, unavailable));
  }

  /** The pods that were seen unavailable at least once. */
  public synchronized java.util.Set<String> podsSeenUnavailable() {
    java.util.Set<String> pods = new java.util.TreeSet<>();
    timeline.stream().filter(c -> !c.available()).forEach(c -> pods.add(c.pod()));
    return pods;
  }

  /** The most pods that were unavailable at the same time. */
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
