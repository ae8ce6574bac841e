package io.sidecarset.controller;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sidecarset.api.SidecarSetEvents;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarContainerUpgradeStrategy;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetSpec;
import io.sidecarset.api.v1alpha1.SidecarSetUpdateStrategy;
import io.sidecarset.core.inject.SidecarInjector;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;

/**
 * Cluster operations and waits for the controller ITs: a namespace of pods injected by the real
 * injector, the SidecarSets that select them, and assertions-friendly reads. Every wait has an
 * explicit timeout and poll interval.
 */
final class RolloutTester implements AutoCloseable {

  static final String EMPTY_IMAGE = "sidecarset/empty:1";

  final KubernetesClient client;
  final String namespace;
  final String app;
  private final ExecutorService creators = Executors.newFixedThreadPool(16);

  /** A fresh namespace {@code name} whose pods carry {@code app=name}. */
  RolloutTester(KubernetesClient client, String name) {
    this.client = client;
    this.namespace = name;
    this.app = name;
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    // no controller-manager: the ServiceAccount admission needs the default account to exist
    client
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withNamespace(name)
                .withName("default")
                .endMetadata()
                .withAutomountServiceAccountToken(false)
                .build())
        .create();
  }

  static ConditionFactory within(Duration timeout) {
    return await().atMost(timeout).pollInterval(Duration.ofMillis(200)).ignoreExceptions();
  }

  /** A set named {@code name} selecting this namespace's app, with one sidecar. */
  SidecarSet set(
      String name, SidecarContainer sidecar, Consumer<SidecarSetUpdateStrategy> strategy) {
    SidecarSet set = new SidecarSet();
    set.getMetadata().setName(name);
    SidecarSetSpec spec = new SidecarSetSpec();
    spec.setSelector(new LabelSelectorBuilder().addToMatchLabels("app", app).build());
    spec.addContainer(sidecar);
    SidecarSetUpdateStrategy s = new SidecarSetUpdateStrategy();
    strategy.accept(s);
    spec.setUpdateStrategy(s);
    set.setSpec(spec);
    return client.resource(set).create();
  }

  static SidecarContainer cold(String name, String image) {
    return new SidecarContainer(name, image);
  }

  static SidecarContainer hot(String name, String image) {
    SidecarContainer c = new SidecarContainer(name, image);
    c.setUpgradeStrategy(
        new SidecarContainerUpgradeStrategy(
            SidecarContainerUpgradeStrategy.HOT_UPGRADE, EMPTY_IMAGE));
    return c;
  }

  /** Creates {@code count} pods {@code pod-000..} injected by {@code set}, as the webhook would. */
  List<Pod> createPods(SidecarSet set, int count) {
    SidecarInjector injector = new SidecarInjector(Clock.systemUTC());
    List<CompletableFuture<Pod>> created = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Pod base =
          new PodBuilder()
              .withNewMetadata()
              .withNamespace(namespace)
              .withName(String.format("pod-%03d", i))
              .addToLabels("app", app)
              .endMetadata()
              .withNewSpec()
              .withAutomountServiceAccountToken(false)
              .addNewContainer()
              .withName("app")
              .withImage("app:1")
              .endContainer()
              .endSpec()
              .build();
      Pod injected = injector.inject(base, List.of(set), Map.of()).pod();
      created.add(
          CompletableFuture.supplyAsync(() -> client.resource(injected).create(), creators));
    }
    return created.stream().map(CompletableFuture::join).toList();
  }

  SidecarSet get(String setName) {
    return client.resources(SidecarSet.class).withName(setName).get();
  }

  SidecarSet edit(String setName, Consumer<SidecarSet> change) {
    return client
        .resources(SidecarSet.class)
        .withName(setName)
        .edit(
            s -> {
              change.accept(s);
              return s;
            });
  }

  void setImage(String setName, String image) {
    edit(setName, s -> s.getSpec().getContainers().get(0).setImage(image));
  }

  List<Pod> pods() {
    return client.pods().inNamespace(namespace).list().getItems();
  }

  Pod pod(String name) {
    return client.pods().inNamespace(namespace).withName(name).get();
  }

  static String image(Pod pod, String container) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> c.getName().equals(container))
        .findFirst()
        .orElseThrow()
        .getImage();
  }

  /** Pods whose {@code container} has {@code image} in its spec. */
  long podsWithImage(String container, String image) {
    return pods().stream().filter(p -> image.equals(image(p, container))).count();
  }

  /**
   * Pods not available: a container whose spec image the kubelet has not applied yet, or not ready.
   */
  static boolean unavailable(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return true;
    }
    Map<String, String> running = new TreeMap<>();
    pod.getStatus().getContainerStatuses().forEach(s -> running.put(s.getName(), s.getImage()));
    boolean applied =
        pod.getSpec().getContainers().stream()
            .allMatch(c -> c.getImage().equals(running.get(c.getName())));
    boolean ready =
        pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    return !applied || !ready;
  }

  /** Events in this namespace with {@code reason}, by involved pod name. */
  Map<String, Long> eventsPerPod(String reason) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .filter(e -> SidecarSetEvents.COMPONENT.equals(e.getSource().getComponent()))
        .collect(
            Collectors.groupingBy(
                e -> e.getInvolvedObject().getName(), TreeMap::new, Collectors.counting()));
  }

  /** Events on SidecarSet {@code setName} (they live in namespace default). */
  List<Event> setEvents(String setName, String reason) {
    return client
        .v1()
        .events()
        .inNamespace(PodEventRecorder.CLUSTER_SCOPED_EVENTS_NAMESPACE)
        .list()
        .getItems()
        .stream()
        .filter(e -> reason.equals(e.getReason()))
        .filter(e -> setName.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  /** Waits until {@code check} holds for every pod of the namespace. */
  void awaitPods(Duration timeout, Predicate<List<Pod>> check) {
    within(timeout).until(() -> check.test(pods()));
  }

  /** Waits (up to 60 s) until the namespace has {@code count} pods, every one available. */
  void awaitAvailablePods(int count) {
    awaitPods(
        Duration.ofSeconds(60),
        pods -> pods.size() == count && pods.stream().noneMatch(RolloutTester::unavailable));
  }

  /** Waits (up to 60 s) until the set's status counts {@code count} updated, ready pods. */
  void awaitUpdatedReady(String setName, int count) {
    within(Duration.ofSeconds(60))
        .until(
            () ->
                get(setName).getStatus() != null
                    && get(setName).getStatus().getUpdatedReadyPods() == count);
  }

  /**
   * Starts an in-process controller named {@code identity} for this tester's namespace, on {@code
   * ownClient} (a connection of its own, as a deployed controller has; it closes it).
   */
  SidecarSetOperator startController(KubernetesClient ownClient, String identity) throws Exception {
    SidecarSetOperator controller =
        new SidecarSetOperator(
            ControllerConfig.fromEnv(Map.of()).forInstance(identity, namespace, 0),
            ownClient,
            Clock.systemUTC());
    controller.start();
    return controller;
  }

  @Override
  public void close() {
    creators.shutdownNow();
    client.resources(SidecarSet.class).list().getItems().stream()
        .filter(
            s ->
                s.getSpec().getSelector().getMatchLabels() != null
                    && app.equals(s.getSpec().getSelector().getMatchLabels().get("app")))
        .forEach(s -> client.resource(s).delete());
  }
}
