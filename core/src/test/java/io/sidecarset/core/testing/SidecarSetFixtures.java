package io.sidecarset.core.testing;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarContainerUpgradeStrategy;
import io.sidecarset.api.v1alpha1.SidecarSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Fixture factories: a web pod, sidecars, and SidecarSets that select the web pod. */
public final class SidecarSetFixtures {

  public static final String APP_LABEL = "app";
  public static final String WEB = "web";
  public static final String NAMESPACE = "shop";
  public static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  public static final String NOW_RFC3339 = "2026-01-02T03:04:05Z";
  public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private SidecarSetFixtures() {}

  /** Applies {@code change} to {@code value} and returns it: inline fixture tweaks. */
  public static <T> T with(T value, Consumer<T> change) {
    change.accept(value);
    return value;
  }

  /** A set named {@code name} selecting {@code app=web}, with the given containers. */
  public static SidecarSet sidecarSet(String name, SidecarContainer... containers) {
    SidecarSet set = new SidecarSet();
    set.setMetadata(new ObjectMetaBuilder().withName(name).build());
    set.getSpec().setSelector(selector(APP_LABEL, WEB));
    set.getSpec().setContainers(new ArrayList<>(List.of(containers)));
    return set;
  }

  public static LabelSelector selector(String key, String value) {
    return new LabelSelectorBuilder().withMatchLabels(Map.of(key, value)).build();
  }

  public static SidecarContainer sidecar(String name, String image) {
    return new SidecarContainer(name, image);
  }

  public static SidecarContainer sidecar(
      String name, String image, Consumer<SidecarContainer> change) {
    return with(new SidecarContainer(name, image), change);
  }

  public static SidecarContainer hotSidecar(String name, String image, String emptyImage) {
    SidecarContainer sidecar = new SidecarContainer(name, image);
    sidecar.setUpgradeStrategy(
        new SidecarContainerUpgradeStrategy(
            SidecarContainerUpgradeStrategy.HOT_UPGRADE, emptyImage));
    return sidecar;
  }

  /** A pod in {@link #NAMESPACE} labelled {@code app=web} with the given containers. */
  public static Pod pod(Container... containers) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web-0")
        .withNamespace(NAMESPACE)
        .addToLabels(APP_LABEL, WEB)
        .endMetadata()
        .withNewSpec()
        .withContainers(containers)
        .endSpec()
        .build();
  }

  public static Container app(String name) {
    return new ContainerBuilder().withName(name).withImage(name + ":1").build();
  }

  public static Container app(String name, Consumer<ContainerBuilder> change) {
    ContainerBuilder builder = new ContainerBuilder().withName(name).withImage(name + ":1");
    change.accept(builder);
    return builder.build();
  }

  public static EnvVar env(String name, String value) {
    return new EnvVar(name, value, null);
  }

  public static VolumeMount mount(String volume, String path) {
    VolumeMount mount = new VolumeMount();
    mount.setName(volume);
    mount.setMountPath(path);
    return mount;
  }

  public static Volume emptyDir(String name) {
    return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
  }

  public static Volume configMap(String name, String configMap) {
    return new VolumeBuilder()
        .withName(name)
        .withNewConfigMap()
        .withName(configMap)
        .endConfigMap()
        .build();
  }
}
