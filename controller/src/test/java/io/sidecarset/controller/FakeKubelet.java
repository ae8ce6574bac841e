package io.sidecarset.controller;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Plays the kubelet against a bare apiserver: for every pod of a namespace, reports each container
 * as running its spec image ({@code restartCount + 1} and a new imageID when the image changed),
 * ready unless its image is one the test calls broken, and the pod Ready when all are. It applies a
 * changed image only after {@code restartDelay}, like a kubelet restarting a container, so the
 * controller sees pods in flight.
 */
final class FakeKubelet implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final Predicate<String> readyImage;
  private final Duration restartDelay;
  private final ScheduledExecutorService workers;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final AtomicInteger statusWrites = new AtomicInteger();
  private SharedIndexInformer<Pod> informer;

  FakeKubelet(
      KubernetesClient client,
      String namespace,
      Predicate<String> readyImage,
      Duration restartDelay) {
    this.client = client;
    this.namespace = namespace;
    this.readyImage = readyImage;
    this.restartDelay = restartDelay;
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newScheduledThreadPool(
            8,
            r -> {
              Thread t = new Thread(r, "fake-kubelet-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  static String imageId(String image) {
    return "docker-pullable://" + image + "@sha256:" + Integer.toHexString(image.hashCode());
  }

  FakeKubelet start() {
    informer =
        client
            .pods()
            .inNamespace(namespace)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    schedule(pod, Duration.ZERO);
                  }

                  @Override
                  public void onUpdate(Pod old, Pod pod) {
                    schedule(pod, restartDelay);
                  }

                  @Override
                  public void onDelete(Pod pod, boolean unknown) {}
                });
    return this;
  }

  int statusWrites() {
    return statusWrites.get();
  }

  private void schedule(Pod pod, Duration delay) {
    if (pod.getMetadata().getDeletionTimestamp() != null || !needsSync(pod)) {
      return;
    }
    String name = pod.getMetadata().getName();
    if (pending.add(name)) {
      workers.schedule(() -> sync(name), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private boolean needsSync(Pod pod) {
    PodStatus desired = desiredStatus(pod, Instant.now());
    return !Objects.equals(
            desired.getContainerStatuses(),
            pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses())
        || !"Running".equals(pod.getStatus() == null ? null : pod.getStatus().getPhase())
        || !Objects.equals(readyStatus(desired), readyStatus(pod.getStatus()));
  }

  private static String readyStatus(PodStatus status) {
    if (status == null || status.getConditions() == null) {
      return null;
    }
    return status.getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .map(PodCondition::getStatus)
        .findFirst()
        .orElse(null);
  }

  private void sync(String name) {
    pending.remove(name);
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    if (pod == null || !needsSync(pod)) {
      return;
    }
    pod.setStatus(desiredStatus(pod, Instant.now()));
    try {
      client.pods().inNamespace(namespace).resource(pod).updateStatus();
      statusWrites.incrementAndGet();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        schedule(pod, Duration.ofMillis(50));
      } else if (e.getCode() != 404) {
        System.err.println("[fake-kubelet] " + name + ": " + e.getMessage());
      }
    }
  }

  private PodStatus desiredStatus(Pod pod, Instant now) {
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    Map<String, ContainerStatus> before = new HashMap<>();
    PodStatus old = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    if (old.getContainerStatuses() != null) {
      old.getContainerStatuses().forEach(s -> before.put(s.getName(), s));
    }
    List<ContainerStatus> statuses = new ArrayList<>();
    boolean allReady = true;
    for (Container c : pod.getSpec().getContainers()) {
      ContainerStatus was = before.get(c.getName());
      ContainerStatus now2;
      if (was != null && c.getImage().equals(was.getImage())) {
        now2 = was;
      } else {
        now2 =
            new ContainerStatusBuilder()
                .withName(c.getName())
                .withImage(c.getImage())
                .withImageID(imageId(c.getImage()))
                .withReady(readyImage.test(c.getImage()))
                .withStarted(true)
                .withRestartCount(was == null ? 0 : was.getRestartCount() + 1)
                .withNewState()
                .withNewRunning()
                .withStartedAt(time)
                .endRunning()
                .endState()
                .build();
      }
      allReady &= Boolean.TRUE.equals(now2.getReady());
      statuses.add(now2);
    }
    List<PodCondition> conditions = new ArrayList<>();
    String ready = allReady ? "True" : "False";
    for (String type : List.of("Ready", "ContainersReady")) {
      PodCondition previous =
          old.getConditions() == null
              ? null
              : old.getConditions().stream()
                  .filter(x -> type.equals(x.getType()))
                  .findFirst()
                  .orElse(null);
      String since =
          previous != null && ready.equals(previous.getStatus())
              ? previous.getLastTransitionTime()
              : time;
      conditions.add(
          new PodConditionBuilder()
              .withType(type)
              .withStatus(ready)
              .withLastTransitionTime(since)
              .build());
    }
    if (old.getConditions() != null) {
      old.getConditions().stream()
          .filter(x -> !"Ready".equals(x.getType()) && !"ContainersReady".equals(x.getType()))
          .forEach(conditions::add);
    }
    PodStatus status = new PodStatus();
    status.setPhase("Running");
    status.setStartTime(old.getStartTime() == null ? time : old.getStartTime());
    status.setContainerStatuses(statuses);
    status.setConditions(conditions);
    return status;
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    workers.shutdownNow();
  }
}
