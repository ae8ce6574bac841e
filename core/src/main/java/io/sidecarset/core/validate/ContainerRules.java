package io.sidecarset.core.validate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeDevice;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarSetSpec;
import io.sidecarset.core.pod.NativeSidecarContainers;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Kubernetes pod rules a SidecarSet's containers and volumes must meet. Kruise puts them into a
 * fake pod and runs the apiserver's {@code ValidatePodCreate}; core has no apiserver, so this
 * re-states the rules that a sidecar manifest can break: names, images, ports, env, mounts (which
 * must name a volume of the set, as in Kruise's fake pod), devices, resources, probes and hooks,
 * restart policies, and volumes with exactly one source.
 */
final class ContainerRules {

  private static final ObjectMapper NON_NULL =
      JsonMapper.builder().serializationInclusion(JsonInclude.Include.NON_NULL).build();
  private static final Set<String> PULL_POLICIES =
      AllowedValues.of("Always", "IfNotPresent", "Never");
  private static final Set<String> TERMINATION_MESSAGE_POLICIES =
      AllowedValues.of("File", "FallbackToLogsOnError");
  private static final Set<String> PROTOCOLS = AllowedValues.of("TCP", "UDP", "SCTP");
  private static final Set<String> FIELD_PATHS =
      AllowedValues.of(
          "metadata.name",
          "metadata.namespace",
          "metadata.uid",
          "metadata.labels",
          "metadata.annotations",
          "spec.nodeName",
          "spec.serviceAccountName",
          "status.hostIP",
          "status.hostIPs",
          "status.podIP",
          "status.podIPs");
  private static final Pattern SUBSCRIPTED_FIELD_PATH =
      Pattern.compile("^metadata\\.(labels|annotations)\\['.+'\\]$");
  private static final Pattern RESOURCE_FIELD =
      Pattern.compile("^(limits|requests)\\.(cpu|memory|ephemeral-storage|hugepages-.+)$");
  private static final int MAX_PORT = 65535;

  private ContainerRules() {}

  static void validate(SidecarSetSpec spec, ErrorList errors) {
    Set<String> volumeNames = validateVolumes(spec.getVolumes(), errors);
    Map<String, String> firstPathOfName = new HashMap<>();
    List<SidecarContainer> init = spec.initContainersOrEmpty();
    for (int i = 0; i < init.size(); i++) {
      String path = ErrorList.index("spec.initContainers", i);
      validate(init.get(i), path, true, volumeNames, firstPathOfName, errors);
    }
    List<SidecarContainer> containers = spec.containersOrEmpty();
    for (int i = 0; i < containers.size(); i++) {
      String path = ErrorList.index("spec.containers", i);
      validate(containers.get(i), path, false, volumeNames, firstPathOfName, errors);
    }
  }

  private static Set<String> validateVolumes(List<Volume> volumes, ErrorList errors) {
    Set<String> names = new HashSet<>();
    if (volumes == null) {
      return names;
    }
    for (int i = 0; i < volumes.size(); i++) {
      Volume volume = volumes.get(i);
      String path = ErrorList.index("spec.volumes", i);
      String name = volume.getName();
      if (SidecarSetValidator.isBlank(name)) {
        errors.add(path + ".name", "required");
      } else {
        KubernetesNames.dns1123Label(name).forEach(m -> errors.add(path + ".name", m));
        if (!names.add(name)) {
          errors.add(path + ".name", "Duplicate value: " + name);
        }
      }
      int sources = volumeSourceCount(volume);
      if (sources == 0) {
        errors.add(path, "must specify a volume type");
      } else if (sources > 1) {
        errors.add(path, "may not specify more than 1 volume type");
      }
    }
    return names;
  }

  private static int volumeSourceCount(Volume volume) {
    ObjectNode node = NON_NULL.valueToTree(volume);
    node.remove("name");
    return node.size();
  }

  private static void validate(
      Container container,
      String path,
      boolean isInit,
      Set<String> volumeNames,
      Map<String, String> firstPathOfName,
      ErrorList errors) {
    String name = container.getName();
    if (SidecarSetValidator.isBlank(name)) {
      errors.add(path + ".name", "required");
    } else {
      KubernetesNames.dns1123Label(name).forEach(m -> errors.add(path + ".name", m));
      String first = firstPathOfName.putIfAbsent(name, path);
      if (first != null) {
        errors.add(path + ".name", "Duplicate value: " + name + " (also " + first + ")");
      }
    }
    String image = container.getImage();
    if (SidecarSetValidator.isBlank(image)) {
      errors.add(path + ".image", "required");
    } else if (!image.equals(image.strip())) {
      errors.add(path + ".image", "must not have leading or trailing whitespace");
    }
    oneOf(container.getImagePullPolicy(), PULL_POLICIES, path + ".imagePullPolicy", errors);
    oneOf(
        container.getTerminationMessagePolicy(),
        TERMINATION_MESSAGE_POLICIES,
        path + ".terminationMessagePolicy",
        errors);
    boolean nativeSidecar = isInit && NativeSidecarContainers.isNativeSidecar(container);
    validateRestartPolicy(container, path, isInit, errors);
    validatePorts(container.getPorts(), path + ".ports", errors);
    validateEnv(container.getEnv(), path + ".env", errors);
    validateEnvFrom(container.getEnvFrom(), path + ".envFrom", errors);
    Set<String> mounted = validateMounts(container.getVolumeMounts(), path, volumeNames, errors);
    validateDevices(container.getVolumeDevices(), path, volumeNames, mounted, errors);
    validateResources(container.getResources(), path + ".resources", errors);
    if (isInit && !nativeSidecar) {
      forbidden(container.getLifecycle(), path + ".lifecycle", errors);
      forbidden(container.getLivenessProbe(), path + ".livenessProbe", errors);
      forbidden(container.getReadinessProbe(), path + ".readinessProbe", errors);
      forbidden(container.getStartupProbe(), path + ".startupProbe", errors);
    } else {
      validateProbe(container.getLivenessProbe(), path + ".livenessProbe", true, errors);
      validateProbe(container.getReadinessProbe(), path + ".readinessProbe", false, errors);
      validateProbe(container.getStartupProbe(), path + ".startupProbe", true, errors);
      validateLifecycle(container.getLifecycle(), path + ".lifecycle", errors);
    }
  }

  private static void validateRestartPolicy(
      Container container, String path, boolean isInit, ErrorList errors) {
    String policy = container.getRestartPolicy();
    if (policy == null) {
      return;
    }
    if (!isInit) {
      errors.add(path + ".restartPolicy", "may not be set for non-init containers");
    } else if (!NativeSidecarContainers.RESTART_POLICY_ALWAYS.equals(policy)) {
      errors.add(
          path + ".restartPolicy",
          "unsupported value " + policy + ": an init container allows only Always");
    }
  }

  private static void validatePorts(List<ContainerPort> ports, String path, ErrorList errors) {
    if (ports == null) {
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      ContainerPort port = ports.get(i);
      String at = ErrorList.index(path, i);
      if (port.getName() != null && !port.getName().isEmpty()) {
        KubernetesNames.portName(port.getName()).forEach(m -> errors.add(at + ".name", m));
        if (!names.add(port.getName())) {
          errors.add(at + ".name", "Duplicate value: " + port.getName());
        }
      }
      Integer containerPort = port.getContainerPort();
      if (containerPort == null || containerPort < 1 || containerPort > MAX_PORT) {
        errors.add(
            at + ".containerPort", "must be between 1 and 65535, inclusive: " + containerPort);
      }
      Integer hostPort = port.getHostPort();
      if (hostPort != null && (hostPort < 0 || hostPort > MAX_PORT)) {
        errors.add(at + ".hostPort", "must be between 0 and 65535, inclusive: " + hostPort);
      }
      oneOf(port.getProtocol(), PROTOCOLS, at + ".protocol", errors);
    }
  }

  private static void validateEnv(List<EnvVar> env, String path, ErrorList errors) {
    if (env == null) {
      return;
    }
    for (int i = 0; i < env.size(); i++) {
      EnvVar var = env.get(i);
      String at = ErrorList.index(path, i);
      if (SidecarSetValidator.isBlank(var.getName())) {
        errors.add(at + ".name", "required");
      } else {
        KubernetesNames.envVarName(var.getName()).forEach(m -> errors.add(at + ".name", m));
      }
      EnvVarSource from = var.getValueFrom();
      if (from == null) {
        continue;
      }
      if (var.getValue() != null && !var.getValue().isEmpty()) {
        errors.add(at + ".valueFrom", "may not be specified when `value` is not empty");
      }
      int sources =
          count(
              from.getFieldRef(),
              from.getResourceFieldRef(),
              from.getConfigMapKeyRef(),
              from.getSecretKeyRef());
      if (sources != 1) {
        errors.add(
            at + ".valueFrom",
            "must specify exactly one of `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or"
                + " `secretKeyRef`");
        continue;
      }
      if (from.getFieldRef() != null) {
        String fieldPath = Objects.toString(from.getFieldRef().getFieldPath(), "");
        if (!FIELD_PATHS.contains(fieldPath)
            && !SUBSCRIPTED_FIELD_PATH.matcher(fieldPath).matches()) {
          errors.add(at + ".valueFrom.fieldRef.fieldPath", "unsupported field path: " + fieldPath);
        }
      }
      if (from.getResourceFieldRef() != null) {
        String resource = Objects.toString(from.getResourceFieldRef().getResource(), "");
        if (!RESOURCE_FIELD.matcher(resource).matches()) {
          errors.add(
              at + ".valueFrom.resourceFieldRef.resource", "unsupported resource: " + resource);
        }
      }
      if (from.getConfigMapKeyRef() != null
          && SidecarSetValidator.isBlank(from.getConfigMapKeyRef().getKey())) {
        errors.add(at + ".valueFrom.configMapKeyRef.key", "required");
      }
      if (from.getSecretKeyRef() != null
          && SidecarSetValidator.isBlank(from.getSecretKeyRef().getKey())) {
        errors.add(at + ".valueFrom.secretKeyRef.key", "required");
      }
    }
  }

  private static void validateEnvFrom(List<EnvFromSource> envFrom, String path, ErrorList errors) {
    if (envFrom == null) {
      return;
    }
    for (int i = 0; i < envFrom.size(); i++) {
      EnvFromSource source = envFrom.get(i);
      String at = ErrorList.index(path, i);
      if (count(source.getConfigMapRef(), source.getSecretRef()) != 1) {
        errors.add(at, "must specify exactly one of `configMapRef` or `secretRef`");
      }
      if (source.getPrefix() != null && !source.getPrefix().isEmpty()) {
        KubernetesNames.envVarName(source.getPrefix()).forEach(m -> errors.add(at + ".prefix", m));
      }
    }
  }

  private static Set<String> validateMounts(
      List<VolumeMount> mounts, String containerPath, Set<String> volumeNames, ErrorList errors) {
    Set<String> mounted = new HashSet<>();
    if (mounts == null) {
      return mounted;
    }
    Set<String> paths = new HashSet<>();
    for (int i = 0; i < mounts.size(); i++) {
      VolumeMount mount = mounts.get(i);
      String at = ErrorList.index(containerPath + ".volumeMounts", i);
      if (SidecarSetValidator.isBlank(mount.getName())) {
        errors.add(at + ".name", "required");
      } else if (!volumeNames.contains(mount.getName())) {
        errors.add(
            at + ".name",
            "Not found: " + mount.getName() + " (a sidecar mounts volumes of spec.volumes)");
      } else {
        mounted.add(mount.getName());
      }
      if (SidecarSetValidator.isBlank(mount.getMountPath())) {
        errors.add(at + ".mountPath", "required");
      } else if (!paths.add(mount.getMountPath())) {
        errors.add(at + ".mountPath", "must be unique: " + mount.getMountPath());
      }
      boolean subPath = mount.getSubPath() != null && !mount.getSubPath().isEmpty();
      boolean subPathExpr = mount.getSubPathExpr() != null && !mount.getSubPathExpr().isEmpty();
      if (subPath && subPathExpr) {
        errors.add(at + ".subPathExpr", "subPathExpr and subPath are mutually exclusive");
      }
      if (subPath) {
        validateRelativePath(mount.getSubPath(), at + ".subPath", errors);
      }
      if (subPathExpr) {
        validateRelativePath(mount.getSubPathExpr(), at + ".subPathExpr", errors);
      }
    }
    return mounted;
  }

  private static void validateRelativePath(String value, String path, ErrorList errors) {
    if (value.startsWith("/")) {
      errors.add(path, "must be a relative path");
    }
    if (Stream.of(value.split("/")).anyMatch(".."::equals)) {
      errors.add(path, "must not contain '..'");
    }
  }

  private static void validateDevices(
      List<VolumeDevice> devices,
      String containerPath,
      Set<String> volumeNames,
      Set<String> mounted,
      ErrorList errors) {
    if (devices == null) {
      return;
    }
    Set<String> names = new HashSet<>();
    Set<String> paths = new HashSet<>();
    for (int i = 0; i < devices.size(); i++) {
      VolumeDevice device = devices.get(i);
      String at = ErrorList.index(containerPath + ".volumeDevices", i);
      String name = device.getName();
      if (SidecarSetValidator.isBlank(name)) {
        errors.add(at + ".name", "required");
      } else {
        if (!volumeNames.contains(name)) {
          errors.add(
              at + ".name", "Not found: " + name + " (a sidecar uses volumes of spec.volumes)");
        }
        if (!names.add(name)) {
          errors.add(at + ".name", "must be unique: " + name);
        }
        if (mounted.contains(name)) {
          errors.add(at + ".name", "can not be both mounted and used as a block device: " + name);
        }
      }
      if (SidecarSetValidator.isBlank(device.getDevicePath())) {
        errors.add(at + ".devicePath", "required");
      } else if (!paths.add(device.getDevicePath())) {
        errors.add(at + ".devicePath", "must be unique: " + device.getDevicePath());
      }
    }
  }

  private static void validateResources(
      ResourceRequirements resources, String path, ErrorList errors) {
    if (resources == null) {
      return;
    }
    Map<String, BigDecimal> limits = quantities(resources.getLimits(), path + ".limits", errors);
    Map<String, BigDecimal> requests =
        quantities(resources.getRequests(), path + ".requests", errors);
    requests.forEach(
        (resource, request) -> {
          BigDecimal limit = limits.get(resource);
          if (limit != null && request.compareTo(limit) > 0) {
            errors.add(
                path + ".requests[" + resource + "]",
                "must be less than or equal to " + resource + " limit");
          }
        });
  }

  private static Map<String, BigDecimal> quantities(
      Map<String, Quantity> values, String path, ErrorList errors) {
    Map<String, BigDecimal> amounts = new HashMap<>();
    if (values == null) {
      return amounts;
    }
    values.forEach(
        (resource, quantity) -> {
          String at = path + "[" + resource + "]";
          try {
            BigDecimal amount = Quantity.getAmountInBytes(quantity);
            if (amount.signum() < 0) {
              errors.add(at, "must be greater than or equal to 0");
            } else {
              amounts.put(resource, amount);
            }
          } catch (RuntimeException e) {
            errors.add(
                at,
                "quantities must match the regular expression of Kubernetes quantities: "
                    + quantity);
          }
        });
    return amounts;
  }

  private static void validateProbe(
      Probe probe, String path, boolean successThresholdMustBeOne, ErrorList errors) {
    if (probe == null) {
      return;
    }
    int handlers =
        count(probe.getExec(), probe.getHttpGet(), probe.getTcpSocket(), probe.getGrpc());
    if (handlers != 1) {
      errors.add(path, "must specify exactly one handler: exec, httpGet, tcpSocket or grpc");
    }
    if (probe.getExec() != null
        && (probe.getExec().getCommand() == null || probe.getExec().getCommand().isEmpty())) {
      errors.add(path + ".exec.command", "required");
    }
    nonNegative(probe.getInitialDelaySeconds(), path + ".initialDelaySeconds", errors);
    nonNegative(probe.getTimeoutSeconds(), path + ".timeoutSeconds", errors);
    nonNegative(probe.getPeriodSeconds(), path + ".periodSeconds", errors);
    nonNegative(probe.getSuccessThreshold(), path + ".successThreshold", errors);
    nonNegative(probe.getFailureThreshold(), path + ".failureThreshold", errors);
    if (successThresholdMustBeOne
        && probe.getSuccessThreshold() != null
        && probe.getSuccessThreshold() != 1) {
      errors.add(path + ".successThreshold", "must be 1");
    }
  }

  private static void validateLifecycle(Lifecycle lifecycle, String path, ErrorList errors) {
    if (lifecycle == null) {
      return;
    }
    validateHandler(lifecycle.getPostStart(), path + ".postStart", errors);
    validateHandler(lifecycle.getPreStop(), path + ".preStop", errors);
  }

  private static void validateHandler(LifecycleHandler handler, String path, ErrorList errors) {
    if (handler == null) {
      return;
    }
    if (count(handler.getExec(), handler.getHttpGet(), handler.getTcpSocket(), handler.getSleep())
        != 1) {
      errors.add(path, "must specify exactly one handler: exec, httpGet, tcpSocket or sleep");
    }
    if (handler.getExec() != null
        && (handler.getExec().getCommand() == null || handler.getExec().getCommand().isEmpty())) {
      errors.add(path + ".exec.command", "required");
    }
  }

  private static void forbidden(Object value, String path, ErrorList errors) {
    if (value != null) {
      errors.add(path, "may not be set for init containers without restartPolicy=Always");
    }
  }

  private static void nonNegative(Integer value, String path, ErrorList errors) {
    if (value != null && value < 0) {
      errors.add(path, "must be greater than or equal to 0");
    }
  }

  private static void oneOf(String value, Set<String> allowed, String path, ErrorList errors) {
    if (value != null && !value.isEmpty() && !allowed.contains(value)) {
      errors.add(path, "Unsupported value: " + value + ", want one of " + new ArrayList<>(allowed));
    }
  }

  private static int count(Object... values) {
    int n = 0;
    for (Object value : values) {
      if (value != null) {
        n++;
      }
    }
    return n;
  }
}
