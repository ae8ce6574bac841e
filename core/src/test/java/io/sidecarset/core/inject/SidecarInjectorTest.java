package io.sidecarset.core.inject;

import static io.sidecarset.core.testing.SidecarSetFixtures.CLOCK;
import static io.sidecarset.core.testing.SidecarSetFixtures.NOW_RFC3339;
import static io.sidecarset.core.testing.SidecarSetFixtures.app;
import static io.sidecarset.core.testing.SidecarSetFixtures.configMap;
import static io.sidecarset.core.testing.SidecarSetFixtures.emptyDir;
import static io.sidecarset.core.testing.SidecarSetFixtures.env;
import static io.sidecarset.core.testing.SidecarSetFixtures.hotSidecar;
import static io.sidecarset.core.testing.SidecarSetFixtures.mount;
import static io.sidecarset.core.testing.SidecarSetFixtures.pod;
import static io.sidecarset.core.testing.SidecarSetFixtures.selector;
import static io.sidecarset.core.testing.SidecarSetFixtures.sidecar;
import static io.sidecarset.core.testing.SidecarSetFixtures.sidecarSet;
import static io.sidecarset.core.testing.SidecarSetFixtures.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeDevice;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.SidecarSetEnv;
import io.sidecarset.api.SidecarSetLabels;
import io.sidecarset.api.v1alpha1.ShareVolumePolicy;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetInjectionStrategy;
import io.sidecarset.api.v1alpha1.SidecarSetPatchPodMetadata;
import io.sidecarset.api.v1alpha1.SourceContainerNameSource;
import io.sidecarset.api.v1alpha1.TransferEnvVar;
import io.sidecarset.core.hash.SidecarSetHasher;
import io.sidecarset.core.pod.PodSidecarSetHash;
import io.sidecarset.core.pod.PodSidecarSetHashes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

class SidecarInjectorTest {

  private static final SidecarInjector INJECTOR = new SidecarInjector(CLOCK);

  private static InjectionResult inject(Pod pod, SidecarSet... sets) {
    return INJECTOR.inject(pod, List.of(sets), Map.of());
  }

  private static List<String> names(List<Container> containers) {
    return containers == null ? List.of() : containers.stream().map(Container::getName).toList();
  }

  private static Container container(Pod pod, String name) {
    return Stream.concat(
            pod.getSpec().getContainers().stream(),
            pod.getSpec().getInitContainers() == null
                ? Stream.empty()
                : pod.getSpec().getInitContainers().stream())
        .filter(c -> name.equals(c.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name));
  }

  private static List<String> envNames(Container container) {
    return container.getEnv().stream().map(EnvVar::getName).toList();
  }

  private static String envValue(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> name.equals(e.getName()))
        .map(EnvVar::getValue)
        .findFirst()
        .orElse(null);
  }

  private static List<String> mountPaths(Container container) {
    return container.getVolumeMounts().stream().map(VolumeMount::getMountPath).toList();
  }

  private static Map<String, String> annotations(InjectionResult result) {
    return result.pod().getMetadata().getAnnotations();
  }

  private static SidecarSet withVolumes(SidecarSet set, Volume... volumes) {
    set.getSpec().setVolumes(new ArrayList<>(List.of(volumes)));
    return set;
  }

  private static SidecarContainer sharing(SidecarContainer sidecar) {
    sidecar.setShareVolumePolicy(new ShareVolumePolicy(ShareVolumePolicy.ENABLED));
    return sidecar;
  }

  private static TransferEnvVar transfer(String source, String... names) {
    TransferEnvVar entry = new TransferEnvVar();
    entry.setSourceContainerName(source);
    if (names.length == 1) {
      entry.setEnvName(names[0]);
    } else {
      entry.setEnvNames(List.of(names));
    }
    return entry;
  }

  private static TransferEnvVar transferFrom(String fieldPath, String name) {
    TransferEnvVar entry = new TransferEnvVar();
    ObjectFieldSelector fieldRef = new ObjectFieldSelector();
    fieldRef.setApiVersion("v1");
    fieldRef.setFieldPath(fieldPath);
    entry.setSourceContainerNameFrom(new SourceContainerNameSource(fieldRef));
    entry.setEnvName(name);
    return entry;
  }

  private static SidecarSet patching(SidecarSet set, String policy, Map<String, String> values) {
    set.getSpec().setPatchPodMetadata(List.of(new SidecarSetPatchPodMetadata(values, policy)));
    return set;
  }

  private static Pod annotated(Pod pod, String key, String value) {
    pod.getMetadata().getAnnotations().put(key, value);
    return pod;
  }

  @TestFactory
  Stream<DynamicTest> containerPlacement() {
    return Stream.of(
        dynamicTest(
            "BeforeAppContainer (the default) puts the sidecar in front of the app containers",
            () -> {
              var result = inject(pod(app("web")), sidecarSet("log", sidecar("log", "log:1")));
              assertThat(names(result.pod().getSpec().getContainers()))
                  .containsExactly("log", "web");
            }),
        dynamicTest(
            "AfterAppContainer puts the sidecar after the app containers",
            () -> {
              var set =
                  sidecarSet(
                      "log",
                      sidecar(
                          "log",
                          "log:1",
                          c -> c.setPodInjectPolicy(SidecarContainer.AFTER_APP_CONTAINER)));
              var result = inject(pod(app("web"), app("worker")), set);
              assertThat(names(result.pod().getSpec().getContainers()))
                  .containsExactly("web", "worker", "log");
            }),
        dynamicTest(
            "sidecars of one set keep spec order within each side",
            () -> {
              var set =
                  sidecarSet(
                      "mesh",
                      sidecar("b-proxy", "p:1"),
                      sidecar(
                          "a-after",
                          "a:1",
                          c -> c.setPodInjectPolicy(SidecarContainer.AFTER_APP_CONTAINER)),
                      sidecar("a-init-like", "i:1"),
                      sidecar(
                          "z-after",
                          "z:1",
                          c -> c.setPodInjectPolicy(SidecarContainer.AFTER_APP_CONTAINER)));
              var result = inject(pod(app("web")), set);
              assertThat(names(result.pod().getSpec().getContainers()))
                  .containsExactly("b-proxy", "a-init-like", "web", "a-after", "z-after");
            }),
        dynamicTest(
            "several sets are injected in name order, whatever order they are passed in",
            () -> {
              var result =
                  inject(
                      pod(app("web")),
                      sidecarSet("zeta", sidecar("z", "z:1")),
                      sidecarSet("alpha", sidecar("a", "a:1")),
                      sidecarSet("mid", sidecar("m", "m:1")));
              assertThat(names(result.pod().getSpec().getContainers()))
                  .containsExactly("a", "m", "z", "web");
              assertThat(result.injected())
                  .extracting(InjectedSidecarSet::name)
                  .containsExactly("alpha", "mid", "zeta");
            }),
        dynamicTest(
            "a pod container with the sidecar's name is replaced in place",
            () -> {
              var result =
                  inject(
                      pod(app("web"), app("log"), app("worker")),
                      sidecarSet("log", sidecar("log", "log:2")));
              assertThat(names(result.pod().getSpec().getContainers()))
                  .containsExactly("web", "log", "worker");
              assertThat(container(result.pod(), "log").getImage()).isEqualTo("log:2");
              assertThat(envValue(container(result.pod(), "log"), SidecarSetEnv.IS_INJECTED))
                  .isEqualTo("true");
            }),
        dynamicTest(
            "an AfterAppContainer sidecar whose name is in the pod is also replaced in place",
            () -> {
              var set =
                  sidecarSet(
                      "log",
                      sidecar(
                          "log",
                          "log:2",
                          c -> c.setPodInjectPolicy(SidecarContainer.AFTER_APP_CONTAINER)));
              var result = inject(pod(app("log"), app("web")), set);
              assertThat(names(result.pod().getSpec().getContainers()))
                  .containsExactly("log", "web");
            }),
        dynamicTest(
            "injected containers are plain pod containers: no SidecarSet-only fields leak",
            () -> {
              var set =
                  sidecarSet(
                      "log", sharing(sidecar("log", "log:1", c -> c.setTransferEnv(List.of()))));
              Container injected =
                  inject(pod(app("web")), set).pod().getSpec().getContainers().get(0);
              assertThat(injected.getClass()).isEqualTo(Container.class);
            }),
        dynamicTest(
            "the sidecar keeps every Container field: command, ports, probes, resources",
            () -> {
              var sidecar =
                  sidecar(
                      "proxy",
                      "proxy:1",
                      c -> {
                        c.setCommand(List.of("/proxy", "--port=9091"));
                        c.setPorts(
                            List.of(
                                new io.fabric8.kubernetes.api.model.ContainerPortBuilder()
                                    .withContainerPort(9091)
                                    .build()));
                        c.setReadinessProbe(
                            new io.fabric8.kubernetes.api.model.ProbeBuilder()
                                .withNewTcpSocket()
                                .withNewPort(9091)
                                .endTcpSocket()
                                .build());
                      });
              Container injected =
                  container(inject(pod(app("web")), sidecarSet("mesh", sidecar)).pod(), "proxy");
              assertThat(injected.getCommand()).containsExactly("/proxy", "--port=9091");
              assertThat(injected.getPorts().get(0).getContainerPort()).isEqualTo(9091);
              assertThat(injected.getReadinessProbe().getTcpSocket().getPort().getIntVal())
                  .isEqualTo(9091);
            }));
  }

  @TestFactory
  Stream<DynamicTest> initContainers() {
    return Stream.of(
        dynamicTest(
            "init containers are sorted by name and appended after the pod's own",
            () -> {
              var set = sidecarSet("setup");
              set.getSpec()
                  .setInitContainers(List.of(sidecar("zz-init", "z:1"), sidecar("aa-init", "a:1")));
              Pod pod =
                  new PodBuilder(pod(app("web")))
                      .editSpec()
                      .addToInitContainers(app("pod-init"))
                      .endSpec()
                      .build();
              var result = inject(pod, set);
              assertThat(names(result.pod().getSpec().getInitContainers()))
                  .containsExactly("pod-init", "aa-init", "zz-init");
              assertThat(result.injected().get(0).initContainers())
                  .containsExactly("aa-init", "zz-init");
            }),
        dynamicTest(
            "init containers of several sets are sorted together",
            () -> {
              var a = sidecarSet("a");
              a.getSpec().setInitContainers(List.of(sidecar("m-init", "m:1")));
              var b = sidecarSet("b");
              b.getSpec().setInitContainers(List.of(sidecar("c-init", "c:1")));
              var result = inject(pod(app("web")), a, b);
              assertThat(names(result.pod().getSpec().getInitContainers()))
                  .containsExactly("c-init", "m-init");
            }),
        dynamicTest(
            "an init container gets IS_INJECTED too",
            () -> {
              var set = sidecarSet("setup");
              set.getSpec().setInitContainers(List.of(sidecar("init", "i:1")));
              var result = inject(pod(app("web")), set);
              assertThat(envValue(container(result.pod(), "init"), SidecarSetEnv.IS_INJECTED))
                  .isEqualTo("true");
            }),
        dynamicTest(
            "only native sidecar init containers (restartPolicy Always) enter the sidecar list",
            () -> {
              var set = sidecarSet("setup", sidecar("proxy", "p:1"));
              set.getSpec()
                  .setInitContainers(
                      List.of(
                          sidecar("native", "n:1", c -> c.setRestartPolicy("Always")),
                          sidecar("oneshot", "o:1")));
              var result = inject(pod(app("web")), set);
              PodSidecarSetHash hash =
                  PodSidecarSetHashes.read(annotations(result), SidecarSetAnnotations.HASH, "setup")
                      .orElseThrow();
              assertThat(hash.sidecarList()).containsExactly("native", "proxy");
            }),
        dynamicTest(
            "a set with only init containers still records its hash and injected-list",
            () -> {
              var set = sidecarSet("setup");
              set.getSpec().setInitContainers(List.of(sidecar("init", "i:1")));
              var result = inject(pod(app("web")), set);
              assertThat(annotations(result))
                  .containsEntry(SidecarSetAnnotations.INJECTED_LIST, "setup")
                  .containsKey(SidecarSetAnnotations.HASH);
              assertThat(names(result.pod().getSpec().getContainers())).containsExactly("web");
            }));
  }

  @TestFactory
  Stream<DynamicTest> envWiring() {
    return Stream.of(
        dynamicTest(
            "every injected container gets IS_INJECTED=true after its own env",
            () -> {
              var set =
                  sidecarSet(
                      "log", sidecar("log", "log:1", c -> c.setEnv(List.of(env("LEVEL", "info")))));
              Container log = container(inject(pod(app("web")), set).pod(), "log");
              assertThat(log.getEnv())
                  .containsExactly(env("LEVEL", "info"), env(SidecarSetEnv.IS_INJECTED, "true"));
            }),
        dynamicTest(
            "a sidecar's own IS_INJECTED is replaced, not duplicated",
            () -> {
              var set =
                  sidecarSet(
                      "log",
                      sidecar(
                          "log",
                          "log:1",
                          c -> c.setEnv(List.of(env(SidecarSetEnv.IS_INJECTED, "false")))));
              Container log = container(inject(pod(app("web")), set).pod(), "log");
              assertThat(log.getEnv()).containsExactly(env(SidecarSetEnv.IS_INJECTED, "true"));
            }),
        dynamicTest(
            "transferEnv copies the named env var from a named container",
            () -> {
              var set =
                  sidecarSet(
                      "log",
                      sidecar(
                          "log", "log:1", c -> c.setTransferEnv(List.of(transfer("web", "TZ")))));
              var pod = pod(app("web", b -> b.addToEnv(env("TZ", "UTC"), env("SECRET", "x"))));
              Container log = container(inject(pod, set).pod(), "log");
              assertThat(log.getEnv())
                  .containsExactly(env(SidecarSetEnv.IS_INJECTED, "true"), env("TZ", "UTC"));
            }),
        dynamicTest(
            "transferEnv envNames copies several vars, sorted by name",
            () -> {
              var set =
                  sidecarSet(
                      "log",
                      sidecar(
                          "log",
                          "log:1",
                          c -> c.setTransferEnv(List.of(transfer("web", "ZONE", "APP_ID")))));
              var pod = pod(app("web", b -> b.addToEnv(env("ZONE", "z1"), env("APP_ID", "7"))));
              Container log = container(inject(pod, set).pod(), "log");
              assertThat(envNames(log)).containsExactly("IS_INJECTED", "APP_ID", "ZONE");
            }),
        dynamicTest(
            "transferEnv copies valueFrom vars as they are",
            () -> {
              EnvVar podName =
                  new EnvVarBuilder()
                      .withName("POD_NAME")
                      .withNewValueFrom()
                      .withNewFieldRef("v1", "metadata.name")
                      .endValueFrom()
                      .build();
              var set =
                  sidecarSet(
                      "log",
                      sidecar(
                          "log",
                          "log:1",
                          c -> c.setTransferEnv(List.of(transfer("web", "POD_NAME")))));
              Container log =
                  container(inject(pod(app("web", b -> b.addToEnv(podName))), set).pod(), "log");
              assertThat(log.getEnv()).contains(podName);
            }),
        dynamicTest(
            "the sidecar's own env wins over a transferred var of the same name",
            () -> {
              var set =
                  sidecarSet(
                      "log",
                      sidecar(
                          "log",
                          "log:1",
                          c -> {
                            c.setEnv(List.of(env("TZ", "Europe/Paris")));
                            c.setTransferEnv(List.of(transfer("web", "TZ")));
                          }));
              Container log =
                  container(
                      inject(pod(app("web", b -> b.addToEnv(env("TZ", "UTC")))), set).pod(), "log");
              assertThat(log.getEnv())
                  .containsExactly(
                      env("TZ", "Europe/Paris"), env(SidecarSetEnv.IS_INJECTED, "true"));
            }),
        dynamicTest(
            "transferEnv reads the source container's name from a pod label",
            () -> {
              var set =
                  sidecarSet(
                      "log",
                      sidecar(
                          "log",
                          "log:1",
                          c ->
                              c.setTransferEnv(
                                  List.of(transferFrom("metadata.labels['main']", "TZ")))));
              var pod = pod(app("web"), app("api", b -> b.addToEnv(env("TZ", "Asia/Tokyo"))));
              pod.getMetadata().getLabels().put("main", "api");
              Container log = container(inject(pod, set).pod(), "log");
              assertThat(envValue(log, "TZ")).isEqualTo("Asia/Tokyo");
            }),
        dynamicTest(
            "transferEnv reads the source container's name from a pod annotation",
            () -> {
              var set =
                  sidecarSet(
                      "log",
                      sidecar(
                          "log",
                          "log:1",
                          c ->
                              c.setTransferEnv(
                                  List.of(
                                      transferFrom(
                                          "metadata.annotations['example.com/main']", "TZ")))));
              var pod = pod(app("web", b -> b.addToEnv(env("TZ", "UTC"))));
              pod.getMetadata()
                  .setAnnotations(new java.util.HashMap<>(Map.of("example.com/main", "web")));
              Container log = container(inject(pod, set).pod(), "log");
              assertThat(envValue(log, "TZ")).isEqualTo("UTC");
            }),
        dynamicTest(
            "transferEnv from a missing container is skipped with a warning, injection goes on",
            () -> {
              var set =
                  sidecarSet(
                      "log",
                      sidecar(
                          "log", "log:1", c -> c.setTransferEnv(List.of(transfer("ghost", "TZ")))));
              var result = inject(pod(app("web")), set);
              assertThat(result.changed()).isTrue();
              assertThat(envNames(container(result.pod(), "log"))).containsExactly("IS_INJECTED");
              assertThat(result.warnings()).singleElement().asString().contains("ghost");
            }),
        dynamicTest(
            "transferEnv of a var the source lacks is skipped with a warning",
            () -> {
              var set =
                  sidecarSet(
                      "log",
                      sidecar(
                          "log", "log:1", c -> c.setTransferEnv(List.of(transfer("web", "NOPE")))));
              var result = inject(pod(app("web")), set);
              assertThat(result.warnings()).singleElement().asString().contains("NOPE");
            }),
        dynamicTest(
            "transferEnv with the label missing on the pod is skipped with a warning",
            () -> {
              var set =
                  sidecarSet(
                      "log",
                      sidecar(
                          "log",
                          "log:1",
                          c ->
                              c.setTransferEnv(
                                  List.of(transferFrom("metadata.labels['main']", "TZ")))));
              var result = inject(pod(app("web")), set);
              assertThat(result.warnings())
                  .singleElement()
                  .asString()
                  .contains("metadata.labels['main']");
            }));
  }

  @TestFactory
  Stream<DynamicTest> sharedVolumes() {
    return Stream.of(
        dynamicTest(
            "shareVolumePolicy enabled copies every app container's mounts after the sidecar's own",
            () -> {
              var set =
                  withVolumes(
                      sidecarSet(
                          "log",
                          sharing(
                              sidecar(
                                  "log",
                                  "log:1",
                                  c -> c.setVolumeMounts(List.of(mount("log-conf", "/etc/log")))))),
                      configMap("log-conf", "log"));
              var pod =
                  pod(
                      app("web", b -> b.addToVolumeMounts(mount("data", "/data"))),
                      app("api", b -> b.addToVolumeMounts(mount("cache", "/cache"))));
              Container log = container(inject(pod, set).pod(), "log");
              assertThat(mountPaths(log)).containsExactly("/etc/log", "/data", "/cache");
            }),
        dynamicTest(
            "shareVolumePolicy disabled copies nothing",
            () -> {
              var set =
                  sidecarSet(
                      "log",
                      sidecar(
                          "log",
                          "log:1",
                          c ->
                              c.setShareVolumePolicy(
                                  new ShareVolumePolicy(ShareVolumePolicy.DISABLED))));
              var pod = pod(app("web", b -> b.addToVolumeMounts(mount("data", "/data"))));
              assertThat(container(inject(pod, set).pod(), "log").getVolumeMounts()).isEmpty();
            }),
        dynamicTest(
            "the sidecar's own mount wins on a mount path conflict",
            () -> {
              var set =
                  withVolumes(
                      sidecarSet(
                          "log",
                          sharing(
                              sidecar(
                                  "log",
                                  "log:1",
                                  c -> c.setVolumeMounts(List.of(mount("log-data", "/data")))))),
                      emptyDir("log-data"));
              var pod = pod(app("web", b -> b.addToVolumeMounts(mount("data", "/data"))));
              Container log = container(inject(pod, set).pod(), "log");
              assertThat(log.getVolumeMounts()).containsExactly(mount("log-data", "/data"));
            }),
        dynamicTest(
            "two app containers mounting the same path give the sidecar one mount",
            () -> {
              var set = sidecarSet("log", sharing(sidecar("log", "log:1")));
              var pod =
                  pod(
                      app("web", b -> b.addToVolumeMounts(mount("data", "/data"))),
                      app("api", b -> b.addToVolumeMounts(mount("data", "/data"))));
              assertThat(mountPaths(container(inject(pod, set).pod(), "log")))
                  .containsExactly("/data");
            }),
        dynamicTest(
            "containers injected by another set (IS_INJECTED=true) are not shared from",
            () -> {
              var set = sidecarSet("log", sharing(sidecar("log", "log:1")));
              var pod =
                  pod(
                      app(
                          "other-sidecar",
                          b ->
                              b.addToEnv(env(SidecarSetEnv.IS_INJECTED, "true"))
                                  .addToVolumeMounts(mount("proxy-sock", "/var/run/proxy"))),
                      app("web", b -> b.addToVolumeMounts(mount("data", "/data"))));
              assertThat(mountPaths(container(inject(pod, set).pod(), "log")))
                  .containsExactly("/data");
            }),
        dynamicTest(
            "sidecars of another set injected in the same admission are not shared from",
            () -> {
              var a = sidecarSet("a", sharing(sidecar("a-log", "log:1")));
              var b =
                  withVolumes(
                      sidecarSet(
                          "b",
                          sidecar(
                              "b-proxy",
                              "p:1",
                              c -> c.setVolumeMounts(List.of(mount("sock", "/sock"))))),
                      emptyDir("sock"));
              var pod = pod(app("web", x -> x.addToVolumeMounts(mount("data", "/data"))));
              assertThat(mountPaths(container(inject(pod, a, b).pod(), "a-log")))
                  .containsExactly("/data");
            }),
        dynamicTest(
            "shared subPathExpr mounts bring the env vars they expand, from the same container",
            () -> {
              var set = sidecarSet("log", sharing(sidecar("log", "log:1")));
              VolumeMount logs =
                  new VolumeMountBuilder()
                      .withName("logs")
                      .withMountPath("/logs")
                      .withSubPathExpr("$(POD_NAME)/$(ZONE)")
                      .build();
              var pod =
                  pod(
                      app(
                          "web",
                          b ->
                              b.addToVolumeMounts(logs)
                                  .addToEnv(env("POD_NAME", "web-0"), env("ZONE", "z1"))
                                  .addToEnv(env("OTHER", "x"))));
              Container log = container(inject(pod, set).pod(), "log");
              assertThat(log.getVolumeMounts()).containsExactly(logs);
              assertThat(log.getEnv())
                  .containsExactly(
                      env(SidecarSetEnv.IS_INJECTED, "true"),
                      env("POD_NAME", "web-0"),
                      env("ZONE", "z1"));
            }),
        dynamicTest(
            "a subPathExpr var the sidecar defines itself keeps the sidecar's value",
            () -> {
              var set =
                  sidecarSet(
                      "log",
                      sharing(
                          sidecar("log", "log:1", c -> c.setEnv(List.of(env("ZONE", "mine"))))));
              VolumeMount logs =
                  new VolumeMountBuilder()
                      .withName("logs")
                      .withMountPath("/logs")
                      .withSubPathExpr("$(ZONE)")
                      .build();
              var pod = pod(app("web", b -> b.addToVolumeMounts(logs).addToEnv(env("ZONE", "z1"))));
              assertThat(envValue(container(inject(pod, set).pod(), "log"), "ZONE"))
                  .isEqualTo("mine");
            }),
        dynamicTest(
            "shareVolumeDevicePolicy enabled copies the app containers' volume devices",
            () -> {
              var set =
                  sidecarSet(
                      "blk",
                      sidecar(
                          "blk",
                          "blk:1",
                          c ->
                              c.setShareVolumeDevicePolicy(
                                  new ShareVolumePolicy(ShareVolumePolicy.ENABLED))));
              VolumeDevice disk = new VolumeDevice("/dev/xvda", "disk");
              var pod = pod(app("db", b -> b.addToVolumeDevices(disk)));
              assertThat(container(inject(pod, set).pod(), "blk").getVolumeDevices())
                  .containsExactly(disk);
            }),
        dynamicTest(
            "a shared device whose name or path the sidecar already uses is skipped",
            () -> {
              var set =
                  withVolumes(
                      sidecarSet(
                          "blk",
                          sidecar(
                              "blk",
                              "blk:1",
                              c -> {
                                c.setShareVolumeDevicePolicy(
                                    new ShareVolumePolicy(ShareVolumePolicy.ENABLED));
                                c.setVolumeDevices(List.of(new VolumeDevice("/dev/own", "disk")));
                              })),
                      emptyDir("disk"));
              var pod =
                  pod(
                      app(
                          "db",
                          b ->
                              b.addToVolumeDevices(
                                  new VolumeDevice("/dev/xvda", "disk"),
                                  new VolumeDevice("/dev/own", "other"),
                                  new VolumeDevice("/dev/xvdb", "data"))));
              assertThat(container(inject(pod, set).pod(), "blk").getVolumeDevices())
                  .containsExactly(
                      new VolumeDevice("/dev/own", "disk"), new VolumeDevice("/dev/xvdb", "data"));
            }),
        dynamicTest(
            "shareVolumePolicy alone does not copy devices",
            () -> {
              var set = sidecarSet("log", sharing(sidecar("log", "log:1")));
              var pod = pod(app("db", b -> b.addToVolumeDevices(new VolumeDevice("/dev/x", "d"))));
              assertThat(container(inject(pod, set).pod(), "log").getVolumeDevices()).isEmpty();
            }));
  }

  @TestFactory
  Stream<DynamicTest> volumesAndSecrets() {
    return Stream.of(
        dynamicTest(
            "the set volumes its sidecars mount are added to the pod",
            () -> {
              var set =
                  withVolumes(
                      sidecarSet(
                          "log",
                          sidecar(
                              "log",
                              "log:1",
                              c -> c.setVolumeMounts(List.of(mount("log-conf", "/etc/log"))))),
                      configMap("log-conf", "log"));
              var result = inject(pod(app("web")), set);
              assertThat(result.pod().getSpec().getVolumes())
                  .containsExactly(configMap("log-conf", "log"));
              assertThat(result.injected().get(0).volumes()).containsExactly("log-conf");
            }),
        dynamicTest(
            "a pod volume of the same name wins over the set's",
            () -> {
              var set =
                  withVolumes(
                      sidecarSet(
                          "log",
                          sidecar(
                              "log",
                              "log:1",
                              c -> c.setVolumeMounts(List.of(mount("conf", "/etc/log"))))),
                      configMap("conf", "from-set"));
              var pod =
                  new PodBuilder(pod(app("web")))
                      .editSpec()
                      .addToVolumes(configMap("conf", "from-pod"))
                      .endSpec()
                      .build();
              var result = inject(pod, set);
              assertThat(result.pod().getSpec().getVolumes())
                  .containsExactly(configMap("conf", "from-pod"));
              assertThat(result.injected().get(0).volumes()).isEmpty();
            }),
        dynamicTest(
            "a set volume no sidecar uses is not added (Kruise injects only used volumes)",
            () -> {
              var set = withVolumes(sidecarSet("log", sidecar("log", "log:1")), emptyDir("unused"));
              assertThat(inject(pod(app("web")), set).pod().getSpec().getVolumes()).isEmpty();
            }),
        dynamicTest(
            "two sets sharing an identical volume add it once",
            () -> {
              var a =
                  withVolumes(
                      sidecarSet(
                          "a",
                          sidecar(
                              "a", "a:1", c -> c.setVolumeMounts(List.of(mount("sock", "/s"))))),
                      emptyDir("sock"));
              var b =
                  withVolumes(
                      sidecarSet(
                          "b",
                          sidecar(
                              "b", "b:1", c -> c.setVolumeMounts(List.of(mount("sock", "/s"))))),
                      emptyDir("sock"));
              assertThat(inject(pod(app("web")), a, b).pod().getSpec().getVolumes())
                  .containsExactly(emptyDir("sock"));
            }),
        dynamicTest(
            "imagePullSecrets are merged by name, the pod's first",
            () -> {
              var set = sidecarSet("log", sidecar("log", "log:1"));
              set.getSpec()
                  .setImagePullSecrets(
                      List.of(
                          new LocalObjectReference("shared"), new LocalObjectReference("mesh")));
              var pod =
                  new PodBuilder(pod(app("web")))
                      .editSpec()
                      .addToImagePullSecrets(new LocalObjectReference("shared"))
                      .endSpec()
                      .build();
              var result = inject(pod, set);
              assertThat(result.pod().getSpec().getImagePullSecrets())
                  .extracting(LocalObjectReference::getName)
                  .containsExactly("shared", "mesh");
              assertThat(result.injected().get(0).imagePullSecrets()).containsExactly("mesh");
            }),
        dynamicTest(
            "a set without pull secrets leaves the pod's pull secrets alone",
            () -> {
              var result = inject(pod(app("web")), sidecarSet("log", sidecar("log", "log:1")));
              assertThat(result.pod().getSpec().getImagePullSecrets()).isNullOrEmpty();
            }));
  }

  @TestFactory
  Stream<DynamicTest> podMetadataPatches() {
    return Stream.of(
        dynamicTest(
            "Retain adds an annotation the pod lacks",
            () -> {
              var set =
                  patching(
                      sidecarSet("log", sidecar("log", "log:1")),
                      SidecarSetPatchPodMetadata.RETAIN,
                      Map.of("example.com/log", "on"));
              assertThat(annotations(inject(pod(app("web")), set)))
                  .containsEntry("example.com/log", "on");
            }),
        dynamicTest(
            "Retain keeps the pod's value",
            () -> {
              var set =
                  patching(
                      sidecarSet("log", sidecar("log", "log:1")),
                      SidecarSetPatchPodMetadata.RETAIN,
                      Map.of("example.com/log", "on"));
              var pod = pod(app("web"));
              pod.getMetadata()
                  .setAnnotations(new java.util.HashMap<>(Map.of("example.com/log", "off")));
              assertThat(annotations(inject(pod, set))).containsEntry("example.com/log", "off");
            }),
        dynamicTest(
            "an absent patchPolicy means Retain",
            () -> {
              var set =
                  patching(
                      sidecarSet("log", sidecar("log", "log:1")),
                      null,
                      Map.of("example.com/log", "on"));
              var pod = pod(app("web"));
              pod.getMetadata()
                  .setAnnotations(new java.util.HashMap<>(Map.of("example.com/log", "off")));
              assertThat(annotations(inject(pod, set))).containsEntry("example.com/log", "off");
            }),
        dynamicTest(
            "Overwrite replaces the pod's value",
            () -> {
              var set =
                  patching(
                      sidecarSet("log", sidecar("log", "log:1")),
                      SidecarSetPatchPodMetadata.OVERWRITE,
                      Map.of("example.com/log", "on"));
              var pod = pod(app("web"));
              pod.getMetadata()
                  .setAnnotations(new java.util.HashMap<>(Map.of("example.com/log", "off")));
              assertThat(annotations(inject(pod, set))).containsEntry("example.com/log", "on");
            }),
        dynamicTest(
            "MergePatchJson merges JSON objects (RFC 7386: null deletes, objects merge)",
            () -> {
              var set =
                  patching(
                      sidecarSet("log", sidecar("log", "log:1")),
                      SidecarSetPatchPodMetadata.MERGE_PATCH_JSON,
                      Map.of("example.com/cfg", "{\"b\":{\"y\":2},\"c\":null,\"d\":4}"));
              var pod = pod(app("web"));
              pod.getMetadata()
                  .setAnnotations(
                      new java.util.HashMap<>(
                          Map.of("example.com/cfg", "{\"a\":1,\"b\":{\"x\":1},\"c\":3}")));
              assertThat(annotations(inject(pod, set)))
                  .containsEntry("example.com/cfg", "{\"a\":1,\"b\":{\"x\":1,\"y\":2},\"d\":4}");
            }),
        dynamicTest(
            "MergePatchJson sets the value when the pod lacks the key",
            () -> {
              var set =
                  patching(
                      sidecarSet("log", sidecar("log", "log:1")),
                      SidecarSetPatchPodMetadata.MERGE_PATCH_JSON,
                      Map.of("example.com/cfg", "{\"a\":1}"));
              assertThat(annotations(inject(pod(app("web")), set)))
                  .containsEntry("example.com/cfg", "{\"a\":1}");
            }),
        dynamicTest(
            "MergePatchJson on a pod value that is not JSON keeps it and warns",
            () -> {
              var set =
                  patching(
                      sidecarSet("log", sidecar("log", "log:1")),
                      SidecarSetPatchPodMetadata.MERGE_PATCH_JSON,
                      Map.of("example.com/cfg", "{\"a\":1}"));
              var pod = pod(app("web"));
              pod.getMetadata()
                  .setAnnotations(new java.util.HashMap<>(Map.of("example.com/cfg", "not json")));
              var result = inject(pod, set);
              assertThat(annotations(result)).containsEntry("example.com/cfg", "not json");
              assertThat(result.warnings()).singleElement().asString().contains("example.com/cfg");
              assertThat(result.changed()).isTrue();
            }),
        dynamicTest(
            "transferEnv sees an annotation written by patchPodMetadata",
            () -> {
              var set =
                  patching(
                      sidecarSet(
                          "log",
                          sidecar(
                              "log",
                              "log:1",
                              c ->
                                  c.setTransferEnv(
                                      List.of(
                                          transferFrom(
                                              "metadata.annotations['example.com/main']", "TZ"))))),
                      SidecarSetPatchPodMetadata.RETAIN,
                      Map.of("example.com/main", "web"));
              var pod = pod(app("web", b -> b.addToEnv(env("TZ", "UTC"))));
              assertThat(envValue(container(inject(pod, set).pod(), "log"), "TZ")).isEqualTo("UTC");
            }));
  }

  @TestFactory
  Stream<DynamicTest> annotationsAndLabel() {
    return Stream.of(
        dynamicTest(
            "the hash annotations hold the set's hashes, sidecar list and the clock's time",
            () -> {
              var set = sidecarSet("log", sidecar("log", "log:1"), sidecar("audit", "a:1"));
              var result = inject(pod(app("web")), set);
              assertThat(PodSidecarSetHashes.read(annotations(result), SidecarSetAnnotations.HASH))
                  .containsExactly(
                      Map.entry(
                          "log",
                          new PodSidecarSetHash(
                              SidecarSetHasher.hash(set),
                              "log",
                              List.of("audit", "log"),
                              NOW_RFC3339)));
              assertThat(
                      PodSidecarSetHashes.read(
                          annotations(result), SidecarSetAnnotations.HASH_WITHOUT_IMAGE))
                  .containsExactly(
                      Map.entry(
                          "log",
                          new PodSidecarSetHash(
                              SidecarSetHasher.hashWithoutImage(set),
                              "log",
                              List.of("audit", "log"),
                              NOW_RFC3339)));
              assertThat(result.injected().get(0).hash()).isEqualTo(SidecarSetHasher.hash(set));
            }),
        dynamicTest(
            "a stored set's hashes are computed once per resourceVersion",
            () -> {
              var injector = new SidecarInjector(CLOCK);
              var v1 = sidecarSet("log", sidecar("log", "log:1"));
              v1.getMetadata().setResourceVersion("7");
              var sameVersionOtherContent = sidecarSet("log", sidecar("log", "log:2"));
              sameVersionOtherContent.getMetadata().setResourceVersion("7");
              var v2 = sidecarSet("log", sidecar("log", "log:2"));
              v2.getMetadata().setResourceVersion("8");
              String first =
                  injector.inject(pod(app("web")), List.of(v1), Map.of()).injected().get(0).hash();
              assertThat(first).isEqualTo(SidecarSetHasher.hash(v1));
              assertThat(
                      injector
                          .inject(pod(app("web")), List.of(sameVersionOtherContent), Map.of())
                          .injected()
                          .get(0)
                          .hash())
                  .as("one resourceVersion is one content: the cached hash is reused")
                  .isEqualTo(first);
              assertThat(
                      injector
                          .inject(pod(app("web")), List.of(v2), Map.of())
                          .injected()
                          .get(0)
                          .hash())
                  .isEqualTo(SidecarSetHasher.hash(v2))
                  .isNotEqualTo(first);
            }),
        dynamicTest(
            "hash entries of sets injected earlier are kept",
            () -> {
              var earlier =
                  Map.of(
                      "old",
                      new PodSidecarSetHash("h0", "old", List.of("x"), "2025-01-01T00:00:00Z"));
              var pod =
                  annotated(
                      with(
                          pod(app("web")),
                          p -> p.getMetadata().setAnnotations(new java.util.HashMap<>())),
                      SidecarSetAnnotations.HASH_WITHOUT_IMAGE,
                      PodSidecarSetHashes.write(earlier));
              var result = inject(pod, sidecarSet("log", sidecar("log", "log:1")));
              assertThat(
                      PodSidecarSetHashes.read(
                              annotations(result), SidecarSetAnnotations.HASH_WITHOUT_IMAGE)
                          .keySet())
                  .containsExactly("log", "old");
            }),
        dynamicTest(
            "injected-list is sorted, comma-separated and merged with the pod's",
            () -> {
              var pod =
                  annotated(
                      with(
                          pod(app("web")),
                          p -> p.getMetadata().setAnnotations(new java.util.HashMap<>())),
                      SidecarSetAnnotations.INJECTED_LIST,
                      "mm");
              var result =
                  inject(
                      pod,
                      sidecarSet("zz", sidecar("z", "z:1")),
                      sidecarSet("aa", sidecar("a", "a:1")));
              assertThat(annotations(result))
                  .containsEntry(SidecarSetAnnotations.INJECTED_LIST, "aa,mm,zz");
            }),
        dynamicTest(
            "the injected label is set so the controller's informer can select the pod",
            () -> {
              var result = inject(pod(app("web")), sidecarSet("log", sidecar("log", "log:1")));
              assertThat(result.pod().getMetadata().getLabels())
                  .containsEntry(SidecarSetLabels.INJECTED, "true")
                  .containsEntry("app", "web");
            }),
        dynamicTest(
            "a cold-only set writes no hot-upgrade annotations",
            () -> {
              var result = inject(pod(app("web")), sidecarSet("log", sidecar("log", "log:1")));
              assertThat(annotations(result))
                  .doesNotContainKey(SidecarSetAnnotations.WORKING_HOTUPGRADE_CONTAINER)
                  .containsOnlyKeys(
                      SidecarSetAnnotations.HASH,
                      SidecarSetAnnotations.HASH_WITHOUT_IMAGE,
                      SidecarSetAnnotations.INJECTED_LIST);
            }));
  }

  @TestFactory
  Stream<DynamicTest> hotUpgrade() {
    return Stream.of(
        dynamicTest(
            "a HotUpgrade sidecar becomes <c>-1 on the image and <c>-2 on the empty image",
            () -> {
              var set = sidecarSet("mesh", hotSidecar("proxy", "proxy:1", "empty:1"));
              var result = inject(pod(app("web")), set);
              assertThat(names(result.pod().getSpec().getContainers()))
                  .containsExactly("proxy-1", "proxy-2", "web");
              assertThat(container(result.pod(), "proxy-1").getImage()).isEqualTo("proxy:1");
              assertThat(container(result.pod(), "proxy-2").getImage()).isEqualTo("empty:1");
              assertThat(result.injected().get(0).containers())
                  .containsExactly("proxy-1", "proxy-2");
            }),
        dynamicTest(
            "both slots read SIDECARSET_VERSION and _ALT from their own annotations",
            () -> {
              var set = sidecarSet("mesh", hotSidecar("proxy", "proxy:1", "empty:1"));
              var pod = inject(pod(app("web")), set).pod();
              for (String slot : List.of("proxy-1", "proxy-2")) {
                Container c = container(pod, slot);
                assertThat(envNames(c))
                    .containsExactly("IS_INJECTED", "SIDECARSET_VERSION", "SIDECARSET_VERSION_ALT");
                assertThat(c.getEnv().get(1).getValueFrom().getFieldRef())
                    .isEqualTo(
                        new ObjectFieldSelector(
                            "v1", "metadata.annotations['version.sidecarset.io/" + slot + "']"));
                assertThat(c.getEnv().get(2).getValueFrom().getFieldRef())
                    .isEqualTo(
                        new ObjectFieldSelector(
                            "v1", "metadata.annotations['versionalt.sidecarset.io/" + slot + "']"));
              }
            }),
        dynamicTest(
            "version annotations start at 1/0 for <c>-1 and 0/1 for <c>-2",
            () -> {
              var set = sidecarSet("mesh", hotSidecar("proxy", "proxy:1", "empty:1"));
              assertThat(annotations(inject(pod(app("web")), set)))
                  .containsEntry("version.sidecarset.io/proxy-1", "1")
                  .containsEntry("versionalt.sidecarset.io/proxy-1", "0")
                  .containsEntry("version.sidecarset.io/proxy-2", "0")
                  .containsEntry("versionalt.sidecarset.io/proxy-2", "1");
            }),
        dynamicTest(
            "the working-container annotation names <c>-1, merged with entries already there",
            () -> {
              var pod =
                  annotated(
                      with(
                          pod(app("web")),
                          p -> p.getMetadata().setAnnotations(new java.util.HashMap<>())),
                      SidecarSetAnnotations.WORKING_HOTUPGRADE_CONTAINER,
                      "{\"dns\":\"dns-2\"}");
              var set = sidecarSet("mesh", hotSidecar("proxy", "proxy:1", "empty:1"));
              assertThat(annotations(inject(pod, set)))
                  .containsEntry(
                      SidecarSetAnnotations.WORKING_HOTUPGRADE_CONTAINER,
                      "{\"dns\":\"dns-2\",\"proxy\":\"proxy-1\"}");
            }),
        dynamicTest(
            "the two slots are identical but for name, image and version env",
            () -> {
              var hot = hotSidecar("proxy", "proxy:1", "empty:1");
              hot.setCommand(List.of("/proxy"));
              hot.setEnv(List.of(env("MODE", "mesh")));
              var pod = inject(pod(app("web")), sidecarSet("mesh", hot)).pod();
              Container one = container(pod, "proxy-1");
              Container two = container(pod, "proxy-2");
              assertThat(two.getCommand()).isEqualTo(one.getCommand());
              assertThat(two.getEnv().subList(0, 2)).isEqualTo(one.getEnv().subList(0, 2));
              assertThat(two.getEnv().get(0)).isEqualTo(env("MODE", "mesh"));
            }),
        dynamicTest(
            "a user-defined SIDECARSET_VERSION is replaced by the slot's downward-API one",
            () -> {
              var hot = hotSidecar("proxy", "proxy:1", "empty:1");
              hot.setEnv(List.of(env("SIDECARSET_VERSION", "9")));
              Container one =
                  container(inject(pod(app("web")), sidecarSet("mesh", hot)).pod(), "proxy-1");
              assertThat(envNames(one))
                  .containsExactly("IS_INJECTED", "SIDECARSET_VERSION", "SIDECARSET_VERSION_ALT");
            }),
        dynamicTest(
            "the hash sidecar list names the sidecar, not its slots",
            () -> {
              var set = sidecarSet("mesh", hotSidecar("proxy", "proxy:1", "empty:1"));
              var result = inject(pod(app("web")), set);
              assertThat(
                      PodSidecarSetHashes.read(
                              annotations(result), SidecarSetAnnotations.HASH, "mesh")
                          .orElseThrow()
                          .sidecarList())
                  .containsExactly("proxy");
            }),
        dynamicTest(
            "hot and cold sidecars mix in spec order",
            () -> {
              var set =
                  sidecarSet(
                      "mesh",
                      sidecar("init-like", "i:1"),
                      hotSidecar("proxy", "proxy:1", "empty:1"),
                      sidecar("log", "log:1"));
              assertThat(names(inject(pod(app("web")), set).pod().getSpec().getContainers()))
                  .containsExactly("init-like", "proxy-1", "proxy-2", "log", "web");
            }),
        dynamicTest(
            "an AfterAppContainer HotUpgrade sidecar puts both slots after the app",
            () -> {
              var hot = hotSidecar("proxy", "proxy:1", "empty:1");
              hot.setPodInjectPolicy(SidecarContainer.AFTER_APP_CONTAINER);
              assertThat(
                      names(
                          inject(pod(app("web")), sidecarSet("mesh", hot))
                              .pod()
                              .getSpec()
                              .getContainers()))
                  .containsExactly("web", "proxy-1", "proxy-2");
            }),
        dynamicTest(
            "a native sidecar init container with HotUpgrade gets two init slots",
            () -> {
              var set = sidecarSet("mesh");
              var hot = hotSidecar("proxy", "proxy:1", "empty:1");
              hot.setRestartPolicy("Always");
              set.getSpec().setInitContainers(List.of(hot));
              var result = inject(pod(app("web")), set);
              assertThat(names(result.pod().getSpec().getInitContainers()))
                  .containsExactly("proxy-1", "proxy-2");
              assertThat(annotations(result))
                  .containsEntry(
                      SidecarSetAnnotations.WORKING_HOTUPGRADE_CONTAINER,
                      "{\"proxy\":\"proxy-1\"}");
            }),
        dynamicTest(
            "shared mounts and transferred env are in both slots",
            () -> {
              var hot = sharing(hotSidecar("proxy", "proxy:1", "empty:1"));
              hot.setTransferEnv(List.of(transfer("web", "TZ")));
              var pod =
                  pod(
                      app(
                          "web",
                          b ->
                              b.addToVolumeMounts(mount("data", "/data"))
                                  .addToEnv(env("TZ", "UTC"))));
              Pod injected = inject(pod, sidecarSet("mesh", hot)).pod();
              for (String slot : List.of("proxy-1", "proxy-2")) {
                assertThat(mountPaths(container(injected, slot))).containsExactly("/data");
                assertThat(envValue(container(injected, slot), "TZ")).isEqualTo("UTC");
              }
            }));
  }

  @TestFactory
  Stream<DynamicTest> matchingAndIdempotence() {
    return Stream.of(
        dynamicTest(
            "a set whose selector does not match is not injected, and the pod is unchanged",
            () -> {
              var set = sidecarSet("log", sidecar("log", "log:1"));
              set.getSpec().setSelector(selector("app", "api"));
              Pod pod = pod(app("web"));
              var result = inject(pod, set);
              assertThat(result.changed()).isFalse();
              assertThat(result.pod()).isEqualTo(pod).isNotSameAs(pod);
            }),
        dynamicTest(
            "a set with injection paused is not injected",
            () -> {
              var set = sidecarSet("log", sidecar("log", "log:1"));
              var strategy = new SidecarSetInjectionStrategy();
              strategy.setPaused(true);
              set.getSpec().setInjectionStrategy(strategy);
              assertThat(inject(pod(app("web")), set).changed()).isFalse();
            }),
        dynamicTest(
            "a set for another namespace is not injected",
            () -> {
              var set = sidecarSet("log", sidecar("log", "log:1"));
              set.getSpec().setNamespace("other");
              assertThat(inject(pod(app("web")), set).changed()).isFalse();
            }),
        dynamicTest(
            "the namespaceSelector is matched against the namespace labels passed in",
            () -> {
              var set = sidecarSet("log", sidecar("log", "log:1"));
              set.getSpec().setNamespaceSelector(selector("mesh", "on"));
              assertThat(
                      INJECTOR
                          .inject(pod(app("web")), List.of(set), Map.of("mesh", "on"))
                          .changed())
                  .isTrue();
              assertThat(
                      INJECTOR
                          .inject(pod(app("web")), List.of(set), Map.of("mesh", "off"))
                          .changed())
                  .isFalse();
            }),
        dynamicTest(
            "injecting an injected pod again returns it unchanged",
            () -> {
              var sets =
                  new SidecarSet[] {
                    sidecarSet("mesh", hotSidecar("proxy", "proxy:1", "empty:1")),
                    sidecarSet("log", sharing(sidecar("log", "log:1")))
                  };
              Pod once = inject(pod(app("web")), sets).pod();
              var twice = inject(once, sets);
              assertThat(twice.changed()).isFalse();
              assertThat(twice.pod()).isEqualTo(once);
              assertThat(twice.alreadyInjected()).containsExactly("log", "mesh");
            }),
        dynamicTest(
            "a set named only in the hash annotation counts as injected",
            () -> {
              var pod =
                  annotated(
                      with(
                          pod(app("web")),
                          p -> p.getMetadata().setAnnotations(new java.util.HashMap<>())),
                      SidecarSetAnnotations.HASH,
                      PodSidecarSetHashes.write(
                          Map.of(
                              "log",
                              new PodSidecarSetHash("h", "log", List.of("log"), NOW_RFC3339))));
              var result = inject(pod, sidecarSet("log", sidecar("log", "log:1")));
              assertThat(result.changed()).isFalse();
              assertThat(result.alreadyInjected()).containsExactly("log");
            }),
        dynamicTest(
            "a new set is injected into a pod that already carries another set",
            () -> {
              Pod once = inject(pod(app("web")), sidecarSet("log", sidecar("log", "log:1"))).pod();
              var result =
                  inject(
                      once,
                      sidecarSet("log", sidecar("log", "log:1")),
                      sidecarSet("mesh", sidecar("proxy", "proxy:1")));
              assertThat(result.injected())
                  .extracting(InjectedSidecarSet::name)
                  .containsExactly("mesh");
              assertThat(names(result.pod().getSpec().getContainers()))
                  .containsExactly("proxy", "log", "web");
              assertThat(annotations(result))
                  .containsEntry(SidecarSetAnnotations.INJECTED_LIST, "log,mesh");
            }),
        dynamicTest(
            "the input pod is never modified",
            () -> {
              Pod pod = pod(app("web", b -> b.addToVolumeMounts(mount("data", "/data"))));
              Pod snapshot = new PodBuilder(pod).build();
              var set =
                  patching(
                      sidecarSet("mesh", sharing(hotSidecar("proxy", "proxy:1", "empty:1"))),
                      SidecarSetPatchPodMetadata.OVERWRITE,
                      Map.of("example.com/x", "y"));
              inject(pod, set);
              assertThat(pod).isEqualTo(snapshot);
            }),
        dynamicTest(
            "the input SidecarSet is never modified",
            () -> {
              var set = sidecarSet("mesh", sharing(hotSidecar("proxy", "proxy:1", "empty:1")));
              String before = SidecarSetHasher.hash(set);
              inject(pod(app("web", b -> b.addToVolumeMounts(mount("data", "/data")))), set);
              assertThat(SidecarSetHasher.hash(set)).isEqualTo(before);
              assertThat(set.getSpec().getContainers().get(0).getEnv()).isEmpty();
              assertThat(set.getSpec().getContainers().get(0).getVolumeMounts()).isEmpty();
            }),
        dynamicTest(
            "no matching set at all gives an unchanged copy and no warnings",
            () -> {
              var result = INJECTOR.inject(pod(app("web")), List.of(), Map.of());
              assertThat(result.changed()).isFalse();
              assertThat(result.injected()).isEmpty();
              assertThat(result.warnings()).isEmpty();
            }));
  }
}
