package io.sidecarset.core.bench;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.sidecarset.api.v1alpha1.ShareVolumePolicy;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarContainerUpgradeStrategy;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetPatchPodMetadata;
import io.sidecarset.api.v1alpha1.TransferEnvVar;
import io.sidecarset.core.hash.SidecarSetHasher;
import io.sidecarset.core.inject.InjectionResult;
import io.sidecarset.core.inject.SidecarInjector;
import io.sidecarset.core.validate.SidecarSetValidator;
import io.sidecarset.core.validate.ValidationResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the mutating webhook pays per pod: {@link SidecarInjector#inject} of a realistic pod that
 * five SidecarSets match (a hot-upgrade proxy with transferEnv, two volume-sharing agents, an init
 * container set and a metadata patch set), against a plain deep copy of the same pod as the
 * baseline measured in the same run. The sets carry a resourceVersion, as when read from the
 * apiserver (their hashes are then remembered); {@link #injectFiveSetsHashingEveryCall} shows the
 * cost without that. Also the validation of one set against four others.
 *
 * <p>Run it as docs/benchmarks/core.md says; {@code SampleTime} gives the median and p99.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InjectionBenchmark {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

  private Pod pod;
  private List<SidecarSet> sets;
  private List<SidecarSet> inMemorySets;
  private SidecarInjector injector;
  private SidecarSetValidator validator;

  @Setup
  public void setUp() {
    pod = webPod();
    sets = fiveSets();
    int version = 1000;
    for (SidecarSet set : sets) {
      // as read from the apiserver: the injector hashes each stored version once
      set.getMetadata().setResourceVersion(String.valueOf(version++));
    }
    inMemorySets = fiveSets();
    injector = new SidecarInjector(CLOCK);
    validator = new SidecarSetValidator();
    InjectionResult check = injector.inject(pod, sets, Map.of());
    if (check.injected().size() != 5 || !check.warnings().isEmpty()) {
      throw new IllegalStateException("the benchmark pod must match all five sets: " + check);
    }
  }

  @Benchmark
  public Pod baselineDeepCopy() {
    return new PodBuilder(pod).build();
  }

  @Benchmark
  public InjectionResult injectFiveSets() {
    return injector.inject(pod, sets, Map.of());
  }

  /** Sets without a resourceVersion: both hashes of every set are computed on every call. */
  @Benchmark
  public InjectionResult injectFiveSetsHashingEveryCall() {
    return injector.inject(pod, inMemorySets, Map.of());
  }

  /** The share of {@link #injectFiveSetsHashingEveryCall} spent on the two hashes of each set. */
  @Benchmark
  public int hashFiveSets() {
    int sum = 0;
    for (SidecarSet set : sets) {
      sum += SidecarSetHasher.hash(set).length() + SidecarSetHasher.hashWithoutImage(set).length();
    }
    return sum;
  }

  @Benchmark
  public ValidationResult validateAgainstFourOthers() {
    return validator.validateCreate(sets.get(0), sets);
  }

  static Pod webPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web-7d9f8c6b5-x2x4z")
        .withNamespace("shop")
        .addToLabels("app", "web")
        .addToLabels("tier", "front")
        .addToLabels("pod-template-hash", "7d9f8c6b5")
        .addToAnnotations("example.com/owner", "team-web")
        .endMetadata()
        .withNewSpec()
        .withContainers(
            app("web", 8080, mount("data", "/data"), mount("tmp", "/tmp")),
            app("worker", 9000, mount("data", "/data")))
        .addToVolumes(new VolumeBuilder().withName("data").withNewEmptyDir().endEmptyDir().build())
        .addToVolumes(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build())
        .withServiceAccountName("web")
        .endSpec()
        .build();
  }

  private static Container app(String name, int port, VolumeMount... mounts) {
    return new ContainerBuilder()
        .withName(name)
        .withImage("registry.example.com/" + name + ":1.4.2")
        .addNewPort()
        .withContainerPort(port)
        .endPort()
        .withEnv(
            new EnvVar("TZ", "UTC", null),
            new EnvVar("APP_ID", "42", null),
            new EnvVar("LOG_LEVEL", "info", null))
        .withVolumeMounts(mounts)
        .withNewResources()
        .addToRequests("cpu", new Quantity("250m"))
        .addToRequests("memory", new Quantity("256Mi"))
        .addToLimits("memory", new Quantity("512Mi"))
        .endResources()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/ready")
        .withNewPort(port)
        .endHttpGet()
        .endReadinessProbe()
        .build();
  }

  private static VolumeMount mount(String volume, String path) {
    VolumeMount mount = new VolumeMount();
    mount.setName(volume);
    mount.setMountPath(path);
    return mount;
  }

  static List<SidecarSet> fiveSets() {
    List<SidecarSet> sets = new ArrayList<>();

    SidecarContainer proxy = new SidecarContainer("proxy", "registry.example.com/proxy:2.0");
    proxy.setUpgradeStrategy(
        new SidecarContainerUpgradeStrategy(
            SidecarContainerUpgradeStrategy.HOT_UPGRADE, "registry.example.com/empty:1.0"));
    proxy.setCommand(List.of("/proxy", "--listen=:15001"));
    proxy.setVolumeMounts(List.of(mount("mesh-certs", "/etc/certs")));
    TransferEnvVar tz = new TransferEnvVar();
    tz.setSourceContainerName("web");
    tz.setEnvNames(List.of("TZ", "APP_ID"));
    proxy.setTransferEnv(List.of(tz));
    SidecarSet mesh = set("mesh", proxy);
    mesh.getSpec()
        .setVolumes(
            List.of(
                new VolumeBuilder()
                    .withName("mesh-certs")
                    .withNewSecret()
                    .withSecretName("mesh-certs")
                    .endSecret()
                    .build()));
    sets.add(mesh);

    SidecarContainer log = new SidecarContainer("log-agent", "registry.example.com/log-agent:3.1");
    log.setShareVolumePolicy(new ShareVolumePolicy(ShareVolumePolicy.ENABLED));
    log.setPodInjectPolicy(SidecarContainer.AFTER_APP_CONTAINER);
    sets.add(set("logging", log));

    SidecarContainer metrics = new SidecarContainer("metrics", "registry.example.com/metrics:0.9");
    metrics.setShareVolumePolicy(new ShareVolumePolicy(ShareVolumePolicy.ENABLED));
    sets.add(set("metrics", metrics));

    SidecarSet init = set("bootstrap");
    init.getSpec()
        .setInitContainers(
            List.of(new SidecarContainer("bootstrap", "registry.example.com/bootstrap:1.0")));
    sets.add(init);

    SidecarSet patch = set("tagging", new SidecarContainer("tagger", "registry.example.com/tag:1"));
    patch
        .getSpec()
        .setPatchPodMetadata(
            List.of(
                new SidecarSetPatchPodMetadata(
                    Map.of("example.com/sidecars", "{\"tagger\":1}"),
                    SidecarSetPatchPodMetadata.MERGE_PATCH_JSON)));
    sets.add(patch);
    return sets;
  }

  private static SidecarSet set(String name, SidecarContainer... containers) {
    SidecarSet set = new SidecarSet();
    set.getMetadata().setName(name);
    set.getSpec()
        .setSelector(new io.fabric8.kubernetes.api.model.LabelSelector(null, Map.of("app", "web")));
    set.getSpec().setContainers(new ArrayList<>(List.of(containers)));
    return set;
  }
}
