package io.sidecarset.controller;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Watches a namespace's pods and records every change to a pod's annotations or container images,
 * i.e. every patch of the controller (the kubelet only writes status), so that a test can count
 * steps per pod and prove none was taken twice.
 */
final class PodChangeAudit implements AutoCloseable {

  /** One observed change of one pod: its images and annotations after the change. */
  record Change(String pod, Map<String, String> images, Map<String, String> annotations) {}

  private final Map<String, Change> last = new ConcurrentHashMap<>();
  private final List<Change> changes = new CopyOnWriteArrayList<>();
  private final Watch watch;

  PodChangeAudit(KubernetesClient client, String namespace) {
    this.watch =
        client
            .pods()
            .inNamespace(namespace)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    if (action == Action.ADDED || action == Action.MODIFIED) {
                      record(pod);
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  private synchronized void record(Pod pod) {
    String name = pod.getMetadata().getName();
    Map<String, String> images =
        pod.getSpec().getContainers().stream()
            .collect(
                Collectors.toMap(
                    Container::getName, Container::getImage, (a, b) -> a, TreeMap::new));
    Map<String, String> annotations = new TreeMap<>(pod.getMetadata().getAnnotations());
    Change change = new Change(name, images, annotations);
    Change before = last.put(name, change);
    if (before != null
        && (!Objects.equals(before.images(), images)
            || !Objects.equals(before.annotations(), annotations))) {
      changes.add(change);
    }
  }

  /** Changes (patches) per pod seen so far. */
  Map<String, Long> changesPerPod() {
    return changes.stream()
        .collect(Collectors.groupingBy(Change::pod, TreeMap::new, Collectors.counting()));
  }

  /** The changes of one pod, in order. */
  List<Change> changes(String pod) {
    return changes.stream().filter(c -> c.pod().equals(pod)).toList();
  }

  @Override
  public void close() {
    watch.close();
  }
}
