package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarContainerUpgradeStrategy;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetSpec;
import io.sidecarset.api.v1alpha1.SidecarSetUpdateStrategy;
import java.util.function.Consumer;

/** SidecarSet fixtures: a set named {@code mesh} selecting {@code app=web}. */
final class SidecarSets {

  static final String NAME = "mesh";
  static final String APP_LABEL = "app";
  static final String APP = "web";
  static final String EMPTY_IMAGE = "sidecarset/empty:1";

  private SidecarSets() {}

  /** One cold sidecar {@code log} on {@code image}. */
  static SidecarSet cold(String image) {
    return set(spec -> spec.addContainer(new SidecarContainer("log", image)));
  }

  /** One hot sidecar {@code proxy} on {@code image}. */
  static SidecarSet hot(String image) {
    return set(spec -> spec.addContainer(hotSidecar("proxy", image)));
  }

  static SidecarContainer hotSidecar(String name, String image) {
    SidecarContainer c = new SidecarContainer(name, image);
    c.setUpgradeStrategy(
        new SidecarContainerUpgradeStrategy(
            SidecarContainerUpgradeStrategy.HOT_UPGRADE, EMPTY_IMAGE));
    return c;
  }

  static SidecarSet set(Consumer<SidecarSetSpec> containers) {
    SidecarSet set = new SidecarSet();
    set.setMetadata(new ObjectMetaBuilder().withName(NAME).withGeneration(1L).build());
    SidecarSetSpec spec = new SidecarSetSpec();
    spec.setSelector(new LabelSelectorBuilder().addToMatchLabels(APP_LABEL, APP).build());
    containers.accept(spec);
    spec.setUpdateStrategy(new SidecarSetUpdateStrategy());
    set.setSpec(spec);
    return set;
  }

  /** A copy of {@code set} with one more generation and its changes applied. */
  static SidecarSet next(SidecarSet set, Consumer<SidecarSet> change) {
    SidecarSet copy = io.fabric8.kubernetes.client.utils.Serialization.clone(set);
    copy.getMetadata().setGeneration(copy.getMetadata().getGeneration() + 1);
    change.accept(copy);
    return copy;
  }

  static SidecarSet withImage(SidecarSet set, String image) {
    return next(set, s -> s.getSpec().getContainers().get(0).setImage(image));
  }

  static SidecarSetUpdateStrategy strategy(SidecarSet set) {
    return set.getSpec().getUpdateStrategy();
  }

  static IntOrString count(int n) {
    return new IntOrString(n);
  }

  static IntOrString percent(String p) {
    return new IntOrString(p);
  }
}
