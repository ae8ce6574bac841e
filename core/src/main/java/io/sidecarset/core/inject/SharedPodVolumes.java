package io.sidecarset.core.inject;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeDevice;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.sidecarset.api.SidecarSetEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code shareVolumePolicy} / {@code shareVolumeDevicePolicy} copy from the pod's app
 * containers into a sidecar: their volume mounts (and the env vars their {@code subPathExpr} names,
 * so the expression expands the same way), and their volume devices. Containers injected by any
 * SidecarSet (env {@code IS_INJECTED=true}) are not app containers and are skipped.
 */
final class SharedPodVolumes {

  /** {@code $(NAME)} in a subPathExpr, with Kubernetes' env-name syntax (Kruise's pattern). */
  private static final Pattern SUB_PATH_EXPR_VARIABLE =
      Pattern.compile("\\$\\(([-._a-zA-Z][-._a-zA-Z0-9]*)\\)");

  private SharedPodVolumes() {}

  /** The app containers' volume mounts, in container then mount order. */
  static List<VolumeMount> mounts(Pod pod) {
    List<VolumeMount> mounts = new ArrayList<>();
    for (Container app : appContainers(pod)) {
      if (app.getVolumeMounts() != null) {
        mounts.addAll(app.getVolumeMounts());
      }
    }
    return mounts;
  }

  /** The env vars named in the app containers' {@code subPathExpr}s, from the same container. */
  static List<EnvVar> subPathExprEnv(Pod pod) {
    List<EnvVar> env = new ArrayList<>();
    for (Container app : appContainers(pod)) {
      if (app.getVolumeMounts() == null) {
        continue;
      }
      for (VolumeMount mount : app.getVolumeMounts()) {
        if (mount.getSubPathExpr() == null) {
          continue;
        }
        Matcher variable = SUB_PATH_EXPR_VARIABLE.matcher(mount.getSubPathExpr());
        while (variable.find()) {
          envVar(app, variable.group(1)).ifPresent(env::add);
        }
      }
    }
    return env;
  }

  /** The app containers' volume devices, in container then device order. */
  static List<VolumeDevice> devices(Pod pod) {
    List<VolumeDevice> devices = new ArrayList<>();
    for (Container app : appContainers(pod)) {
      if (app.getVolumeDevices() != null) {
        devices.addAll(app.getVolumeDevices());
      }
    }
    return devices;
  }

  /** True when the container was injected by a SidecarSet. */
  static boolean isInjected(Container container) {
    return envVar(container, SidecarSetEnv.IS_INJECTED)
        .map(EnvVar::getValue)
        .filter(SidecarSetEnv.IS_INJECTED_TRUE::equals)
        .isPresent();
  }

  private static List<Container> appContainers(Pod pod) {
    if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
      return List.of();
    }
    return pod.getSpec().getContainers().stream().filter(c -> !isInjected(c)).toList();
  }

  static Optional<EnvVar> envVar(Container container, String name) {
    if (container.getEnv() == null) {
      return Optional.empty();
    }
    return container.getEnv().stream().filter(e -> name.equals(e.getName())).findFirst();
  }
}
