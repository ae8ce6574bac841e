package io.sidecarset.core.inject;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.sidecarset.api.HotUpgradeSlots;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.SidecarSetEnv;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two containers of a hot-upgrade sidecar {@code c}: {@code c-1} on the real image, {@code c-2}
 * on the empty image, otherwise identical, each reading its version pair from the downward API, and
 * the initial values of those annotations (1/0 for the serving slot, 0/1 for the empty one).
 */
final class HotUpgradeContainers {

  private HotUpgradeContainers() {}

  /** {@code [c-1, c-2]} built from the fully injected container {@code c}. */
  static List<Container> slots(Container sidecar, String emptyImage) {
    String first = HotUpgradeSlots.first(sidecar.getName());
    String second = HotUpgradeSlots.second(sidecar.getName());
    Container serving =
        new ContainerBuilder(sidecar)
            .withName(first)
            .withEnv(withVersionEnv(sidecar, first))
            .build();
    Container empty =
        new ContainerBuilder(sidecar)
            .withName(second)
            .withImage(emptyImage)
            .withEnv(withVersionEnv(sidecar, second))
            .build();
    return List.of(serving, empty);
  }

  /** The version annotations of both slots of {@code sidecarName} at injection. */
  static Map<String, String> initialVersionAnnotations(String sidecarName) {
    String first = HotUpgradeSlots.first(sidecarName);
    String second = HotUpgradeSlots.second(sidecarName);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(SidecarSetAnnotations.version(first), HotUpgradeSlots.INITIAL_VERSION);
    annotations.put(SidecarSetAnnotations.versionAlt(first), HotUpgradeSlots.EMPTY_VERSION);
    annotations.put(SidecarSetAnnotations.version(second), HotUpgradeSlots.EMPTY_VERSION);
    annotations.put(SidecarSetAnnotations.versionAlt(second), HotUpgradeSlots.INITIAL_VERSION);
    return annotations;
  }

  private static List<EnvVar> withVersionEnv(Container sidecar, String slot) {
    List<EnvVar> env = new ArrayList<>();
    if (sidecar.getEnv() != null) {
      for (EnvVar e : sidecar.getEnv()) {
        // the slot's own pair replaces any user-defined variable of the same name
        if (!SidecarSetEnv.SIDECARSET_VERSION.equals(e.getName())
            && !SidecarSetEnv.SIDECARSET_VERSION_ALT.equals(e.getName())) {
          env.add(new EnvVarBuilder(e).build());
        }
      }
    }
    env.add(fieldRefEnv(SidecarSetEnv.SIDECARSET_VERSION, HotUpgradeSlots.versionFieldPath(slot)));
    env.add(
        fieldRefEnv(
            SidecarSetEnv.SIDECARSET_VERSION_ALT, HotUpgradeSlots.versionAltFieldPath(slot)));
    return env;
  }

  private static EnvVar fieldRefEnv(String name, String fieldPath) {
    // plain setters: this runs four times per hot sidecar per admission, and nested builders
    // cost more than the rest of the slot
    EnvVarSource source = new EnvVarSource();
    source.setFieldRef(new ObjectFieldSelector(HotUpgradeSlots.FIELD_REF_API_VERSION, fieldPath));
    EnvVar env = new EnvVar();
    env.setName(name);
    env.setValueFrom(source);
    return env;
  }
}
