package io.sidecarset.core.validate;

import static io.sidecarset.core.testing.SidecarSetFixtures.configMap;
import static io.sidecarset.core.testing.SidecarSetFixtures.emptyDir;
import static io.sidecarset.core.testing.SidecarSetFixtures.env;
import static io.sidecarset.core.testing.SidecarSetFixtures.hotSidecar;
import static io.sidecarset.core.testing.SidecarSetFixtures.mount;
import static io.sidecarset.core.testing.SidecarSetFixtures.selector;
import static io.sidecarset.core.testing.SidecarSetFixtures.sidecar;
import static io.sidecarset.core.testing.SidecarSetFixtures.sidecarSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LifecycleBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeDevice;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.sidecarset.api.v1alpha1.ShareVolumePolicy;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarContainerUpgradeStrategy;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetInjectRevision;
import io.sidecarset.api.v1alpha1.SidecarSetInjectionStrategy;
import io.sidecarset.api.v1alpha1.SidecarSetPatchPodMetadata;
import io.sidecarset.api.v1alpha1.SidecarSetUpdateStrategy;
import io.sidecarset.api.v1alpha1.SourceContainerNameSource;
import io.sidecarset.api.v1alpha1.TransferEnvVar;
import io.sidecarset.api.v1alpha1.UpdatePriorityOrderTerm;
import io.sidecarset.api.v1alpha1.UpdatePriorityStrategy;
import io.sidecarset.api.v1alpha1.UpdatePriorityWeightTerm;
import io.sidecarset.api.v1alpha1.UpdateScatterTerm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SidecarSetValidatorTest {

  private static final SidecarSetValidator VALIDATOR = new SidecarSetValidator();

  /** A valid set using most fields: a hot proxy, a log agent with a config volume. */
  static SidecarSet validSet() {
    SidecarContainer proxy = hotSidecar("proxy", "proxy:1", "empty:1");
    SidecarContainer log =
        sidecar("log", "log:1", c -> c.setVolumeMounts(List.of(mount("log-conf", "/etc/log"))));
    SidecarSet set = sidecarSet("mesh", proxy, log);
    set.getSpec().setVolumes(new ArrayList<>(List.of(configMap("log-conf", "log"))));
    return set;
  }

  private static SidecarContainer proxy(SidecarSet set) {
    return set.getSpec().getContainers().get(0);
  }

  private static SidecarContainer log(SidecarSet set) {
    return set.getSpec().getContainers().get(1);
  }

  private static SidecarSetUpdateStrategy strategy(SidecarSet set) {
    if (set.getSpec().getUpdateStrategy() == null) {
      set.getSpec().setUpdateStrategy(new SidecarSetUpdateStrategy());
    }
    return set.getSpec().getUpdateStrategy();
  }

  private static SidecarSetInjectRevision revision(SidecarSet set) {
    SidecarSetInjectionStrategy injection = new SidecarSetInjectionStrategy();
    SidecarSetInjectRevision revision = new SidecarSetInjectRevision();
    injection.setRevision(revision);
    set.getSpec().setInjectionStrategy(injection);
    return revision;
  }

  private static LabelSelector expression(String key, String operator, String... values) {
    return new LabelSelectorBuilder()
        .addNewMatchExpression()
        .withKey(key)
        .withOperator(operator)
        .withValues(values.length == 0 ? null : List.of(values))
        .endMatchExpression()
        .build();
  }

  private static TransferEnvVar transfer(String source, String envName) {
    TransferEnvVar entry = new TransferEnvVar();
    entry.setSourceContainerName(source);
    entry.setEnvName(envName);
    return entry;
  }

  private static TransferEnvVar transferFrom(String apiVersion, String fieldPath) {
    TransferEnvVar entry = new TransferEnvVar();
    entry.setSourceContainerNameFrom(
        new SourceContainerNameSource(new ObjectFieldSelector(apiVersion, fieldPath)));
    entry.setEnvName("TZ");
    return entry;
  }

  private static UpdatePriorityStrategy weights(Integer... weights) {
    UpdatePriorityStrategy priority = new UpdatePriorityStrategy();
    List<UpdatePriorityWeightTerm> terms = new ArrayList<>();
    for (Integer weight : weights) {
      terms.add(new UpdatePriorityWeightTerm(weight, selector("tier", "front")));
    }
    priority.setWeightPriority(terms);
    return priority;
  }

  private static void patch(SidecarSet set, String policy, Map<String, String> annotations) {
    set.getSpec().setPatchPodMetadata(List.of(new SidecarSetPatchPodMetadata(annotations, policy)));
  }

  private static Arguments invalid(String scenario, Consumer<SidecarSet> change, String... fields) {
    return Arguments.of(Named.of(scenario, change), List.of(fields));
  }

  private static Arguments valid(String scenario, Consumer<SidecarSet> change) {
    return Arguments.of(Named.of(scenario, change), List.of());
  }

  static Stream<Arguments> metadataAndSelectors() {
    return Stream.of(
        valid("the baseline set is valid", s -> {}),
        valid(
            "a name with upper case and dashes (Kruise's pattern allows it)",
            s -> s.getMetadata().setName("Mesh-Proxy-1")),
        invalid("a missing name", s -> s.getMetadata().setName(null), "metadata.name"),
        invalid("a name with a dot", s -> s.getMetadata().setName("mesh.proxy"), "metadata.name"),
        invalid(
            "a name with an underscore",
            s -> s.getMetadata().setName("mesh_proxy"),
            "metadata.name"),
        invalid(
            "a 64-character name", s -> s.getMetadata().setName("a".repeat(64)), "metadata.name"),
        valid("a 63-character name", s -> s.getMetadata().setName("a".repeat(63))),
        invalid("no selector", s -> s.getSpec().setSelector(null), "spec.selector"),
        invalid(
            "an empty selector",
            s -> s.getSpec().setSelector(new LabelSelector()),
            "spec.selector"),
        invalid(
            "a selector with an unknown operator",
            s -> s.getSpec().setSelector(expression("app", "Near", "web")),
            "spec.selector.matchExpressions[0].operator"),
        invalid(
            "an In expression without values",
            s -> s.getSpec().setSelector(expression("app", "In")),
            "spec.selector.matchExpressions[0].values"),
        invalid(
            "an Exists expression with values",
            s -> s.getSpec().setSelector(expression("app", "Exists", "web")),
            "spec.selector.matchExpressions[0].values"),
        invalid(
            "a selector key that is not a qualified name",
            s -> s.getSpec().setSelector(selector("bad key", "web")),
            "spec.selector.matchLabels"),
        invalid(
            "a selector value that is not a label value",
            s -> s.getSpec().setSelector(selector("app", "web app")),
            "spec.selector.matchLabels"),
        valid("a namespace", s -> s.getSpec().setNamespace("shop")),
        invalid(
            "a namespace that is not a DNS label",
            s -> s.getSpec().setNamespace("Shop_1"),
            "spec.namespace"),
        valid("a namespaceSelector", s -> s.getSpec().setNamespaceSelector(selector("mesh", "on"))),
        invalid(
            "namespace and namespaceSelector together",
            s -> {
              s.getSpec().setNamespace("shop");
              s.getSpec().setNamespaceSelector(selector("mesh", "on"));
            },
            "spec.namespaceSelector"),
        invalid(
            "an empty namespaceSelector",
            s -> s.getSpec().setNamespaceSelector(new LabelSelector()),
            "spec.namespaceSelector"));
  }

  static Stream<Arguments> containers() {
    return Stream.of(
        invalid(
            "no containers and no init containers",
            s -> {
              s.getSpec().setContainers(null);
              s.getSpec().setVolumes(null);
            },
            "spec"),
        valid(
            "init containers only",
            s -> {
              s.getSpec().setContainers(null);
              s.getSpec().setVolumes(null);
              s.getSpec().setInitContainers(List.of(sidecar("init", "init:1")));
            }),
        invalid("a container without a name", s -> log(s).setName(null), "spec.containers[1].name"),
        invalid(
            "a container name with upper case",
            s -> log(s).setName("Log"),
            "spec.containers[1].name"),
        invalid(
            "a container without an image", s -> log(s).setImage(" "), "spec.containers[1].image"),
        invalid(
            "an image with trailing whitespace",
            s -> log(s).setImage("log:1 "),
            "spec.containers[1].image"),
        invalid(
            "a container and an init container of one name",
            s -> s.getSpec().setInitContainers(List.of(sidecar("log", "log-init:1"))),
            "spec.containers[1].name"),
        invalid(
            "duplicate container names",
            s -> s.getSpec().getContainers().add(sidecar("log", "log:2")),
            "spec.containers[2].name"),
        invalid(
            "an unknown imagePullPolicy",
            s -> log(s).setImagePullPolicy("Sometimes"),
            "spec.containers[1].imagePullPolicy"),
        valid("a known imagePullPolicy", s -> log(s).setImagePullPolicy("IfNotPresent")),
        invalid(
            "an unknown terminationMessagePolicy",
            s -> log(s).setTerminationMessagePolicy("Stdout"),
            "spec.containers[1].terminationMessagePolicy"),
        invalid(
            "a port out of range",
            s ->
                log(s)
                    .setPorts(List.of(new ContainerPortBuilder().withContainerPort(70000).build())),
            "spec.containers[1].ports[0].containerPort"),
        invalid(
            "a port with an unknown protocol",
            s ->
                log(s)
                    .setPorts(
                        List.of(
                            new ContainerPortBuilder()
                                .withContainerPort(80)
                                .withProtocol("HTTP")
                                .build())),
            "spec.containers[1].ports[0].protocol"),
        invalid(
            "two ports of one name",
            s ->
                log(s)
                    .setPorts(
                        List.of(
                            new ContainerPortBuilder()
                                .withName("http")
                                .withContainerPort(80)
                                .build(),
                            new ContainerPortBuilder()
                                .withName("http")
                                .withContainerPort(81)
                                .build())),
            "spec.containers[1].ports[1].name"),
        invalid(
            "a port name longer than 15 characters",
            s ->
                log(s)
                    .setPorts(
                        List.of(
                            new ContainerPortBuilder()
                                .withName("a-very-long-port-name")
                                .withContainerPort(80)
                                .build())),
            "spec.containers[1].ports[0].name"),
        invalid(
            "an env var with a bad name",
            s -> log(s).setEnv(List.of(env("1BAD", "x"))),
            "spec.containers[1].env[0].name"),
        invalid(
            "an env var with value and valueFrom",
            s ->
                log(s)
                    .setEnv(
                        List.of(
                            new EnvVarBuilder()
                                .withName("POD")
                                .withValue("x")
                                .withNewValueFrom()
                                .withNewFieldRef("v1", "metadata.name")
                                .endValueFrom()
                                .build())),
            "spec.containers[1].env[0].valueFrom"),
        invalid(
            "an env var fieldRef to an unsupported path",
            s ->
                log(s)
                    .setEnv(
                        List.of(
                            new EnvVarBuilder()
                                .withName("POD")
                                .withNewValueFrom()
                                .withNewFieldRef("v1", "spec.containers")
                                .endValueFrom()
                                .build())),
            "spec.containers[1].env[0].valueFrom.fieldRef.fieldPath"),
        valid(
            "an env var from a pod annotation",
            s ->
                log(s)
                    .setEnv(
                        List.of(
                            new EnvVarBuilder()
                                .withName("V")
                                .withNewValueFrom()
                                .withNewFieldRef("v1", "metadata.annotations['a.io/b']")
                                .endValueFrom()
                                .build()))),
        invalid(
            "an env var resourceFieldRef to an unknown resource",
            s ->
                log(s)
                    .setEnv(
                        List.of(
                            new EnvVarBuilder()
                                .withName("CPU")
                                .withNewValueFrom()
                                .withNewResourceFieldRef()
                                .withResource("limits.gpu")
                                .endResourceFieldRef()
                                .endValueFrom()
                                .build())),
            "spec.containers[1].env[0].valueFrom.resourceFieldRef.resource"),
        invalid(
            "an envFrom with both a configMap and a secret",
            s ->
                log(s)
                    .setEnvFrom(
                        List.of(
                            new EnvFromSourceBuilder()
                                .withNewConfigMapRef("cm", null)
                                .withNewSecretRef("s", null)
                                .build())),
            "spec.containers[1].envFrom[0]"),
        invalid(
            "a mount of a volume the set does not define (Kruise's fake pod rejects it)",
            s -> log(s).setVolumeMounts(List.of(mount("ghost", "/ghost"))),
            "spec.containers[1].volumeMounts[0].name"),
        invalid(
            "a mount without a path",
            s -> log(s).setVolumeMounts(List.of(mount("log-conf", ""))),
            "spec.containers[1].volumeMounts[0].mountPath"),
        invalid(
            "two mounts at one path",
            s ->
                log(s)
                    .setVolumeMounts(
                        List.of(mount("log-conf", "/etc/log"), mount("log-conf", "/etc/log"))),
            "spec.containers[1].volumeMounts[1].mountPath"),
        invalid(
            "subPath and subPathExpr together",
            s ->
                log(s)
                    .setVolumeMounts(
                        List.of(
                            new VolumeMountBuilder()
                                .withName("log-conf")
                                .withMountPath("/etc/log")
                                .withSubPath("a")
                                .withSubPathExpr("$(B)")
                                .build())),
            "spec.containers[1].volumeMounts[0].subPathExpr"),
        invalid(
            "a subPath climbing out with ..",
            s ->
                log(s)
                    .setVolumeMounts(
                        List.of(
                            new VolumeMountBuilder()
                                .withName("log-conf")
                                .withMountPath("/etc/log")
                                .withSubPath("../etc")
                                .build())),
            "spec.containers[1].volumeMounts[0].subPath"),
        invalid(
            "a device of a volume the set does not define",
            s -> log(s).setVolumeDevices(List.of(new VolumeDevice("/dev/x", "ghost"))),
            "spec.containers[1].volumeDevices[0].name"),
        invalid(
            "a volume both mounted and used as a device",
            s -> log(s).setVolumeDevices(List.of(new VolumeDevice("/dev/x", "log-conf"))),
            "spec.containers[1].volumeDevices[0].name"),
        invalid(
            "a request above its limit",
            s ->
                log(s)
                    .setResources(
                        new ResourceRequirementsBuilder()
                            .addToRequests("cpu", new Quantity("2"))
                            .addToLimits("cpu", new Quantity("500m"))
                            .build()),
            "spec.containers[1].resources.requests[cpu]"),
        valid(
            "requests below limits",
            s ->
                log(s)
                    .setResources(
                        new ResourceRequirementsBuilder()
                            .addToRequests("memory", new Quantity("64Mi"))
                            .addToLimits("memory", new Quantity("1Gi"))
                            .build())),
        invalid(
            "an unparseable quantity",
            s ->
                log(s)
                    .setResources(
                        new ResourceRequirementsBuilder()
                            .addToLimits("memory", new Quantity("lots"))
                            .build()),
            "spec.containers[1].resources.limits[memory]"),
        invalid(
            "a probe with two handlers",
            s ->
                log(s)
                    .setReadinessProbe(
                        new ProbeBuilder()
                            .withNewTcpSocket()
                            .withNewPort(80)
                            .endTcpSocket()
                            .withNewHttpGet()
                            .withNewPort(80)
                            .endHttpGet()
                            .build()),
            "spec.containers[1].readinessProbe"),
        invalid(
            "a liveness probe with successThreshold 2",
            s ->
                log(s)
                    .setLivenessProbe(
                        new ProbeBuilder()
                            .withNewTcpSocket()
                            .withNewPort(80)
                            .endTcpSocket()
                            .withSuccessThreshold(2)
                            .build()),
            "spec.containers[1].livenessProbe.successThreshold"),
        invalid(
            "a postStart hook without a handler",
            s ->
                log(s)
                    .setLifecycle(new LifecycleBuilder().withNewPostStart().endPostStart().build()),
            "spec.containers[1].lifecycle.postStart"),
        valid(
            "a postStart exec hook",
            s ->
                log(s)
                    .setLifecycle(
                        new LifecycleBuilder()
                            .withNewPostStart()
                            .withNewExec()
                            .withCommand("/bin/sh", "/migrate.sh")
                            .endExec()
                            .endPostStart()
                            .build())),
        invalid(
            "a restartPolicy on a regular container",
            s -> log(s).setRestartPolicy("Always"),
            "spec.containers[1].restartPolicy"),
        invalid(
            "an init container with restartPolicy OnFailure",
            s ->
                s.getSpec()
                    .setInitContainers(
                        List.of(sidecar("init", "i:1", c -> c.setRestartPolicy("OnFailure")))),
            "spec.initContainers[0].restartPolicy"),
        invalid(
            "a plain init container with a probe",
            s ->
                s.getSpec()
                    .setInitContainers(
                        List.of(
                            sidecar(
                                "init",
                                "i:1",
                                c ->
                                    c.setReadinessProbe(
                                        new ProbeBuilder()
                                            .withNewTcpSocket()
                                            .withNewPort(80)
                                            .endTcpSocket()
                                            .build())))),
            "spec.initContainers[0].readinessProbe"),
        invalid(
            "a volume without a source",
            s -> s.getSpec().getVolumes().add(new VolumeBuilder().withName("empty").build()),
            "spec.volumes[1]"),
        invalid(
            "a volume with two sources",
            s ->
                s.getSpec()
                    .getVolumes()
                    .add(
                        new VolumeBuilder()
                            .withName("two")
                            .withNewEmptyDir()
                            .endEmptyDir()
                            .withNewHostPath()
                            .withPath("/tmp")
                            .endHostPath()
                            .build()),
            "spec.volumes[1]"),
        invalid(
            "two volumes of one name",
            s -> s.getSpec().getVolumes().add(emptyDir("log-conf")),
            "spec.volumes[1].name"),
        invalid(
            "a volume name with upper case",
            s -> s.getSpec().getVolumes().add(emptyDir("Cache")),
            "spec.volumes[1].name"));
  }

  static Stream<Arguments> sidecarFields() {
    return Stream.of(
        invalid(
            "an unknown podInjectPolicy",
            s -> log(s).setPodInjectPolicy("Middle"),
            "spec.containers[1].podInjectPolicy"),
        valid(
            "AfterAppContainer",
            s -> log(s).setPodInjectPolicy(SidecarContainer.AFTER_APP_CONTAINER)),
        invalid(
            "an unknown shareVolumePolicy type",
            s -> log(s).setShareVolumePolicy(new ShareVolumePolicy("sometimes")),
            "spec.containers[1].shareVolumePolicy.type"),
        invalid(
            "an unknown shareVolumeDevicePolicy type",
            s -> log(s).setShareVolumeDevicePolicy(new ShareVolumePolicy("Enabled")),
            "spec.containers[1].shareVolumeDevicePolicy.type"),
        valid(
            "shareVolumePolicy enabled",
            s -> log(s).setShareVolumePolicy(new ShareVolumePolicy("enabled"))),
        invalid(
            "an unknown upgradeType",
            s ->
                log(s).setUpgradeStrategy(new SidecarContainerUpgradeStrategy("WarmUpgrade", null)),
            "spec.containers[1].upgradeStrategy.upgradeType"),
        invalid(
            "HotUpgrade without hotUpgradeEmptyImage",
            s -> proxy(s).getUpgradeStrategy().setHotUpgradeEmptyImage(null),
            "spec.containers[0].upgradeStrategy.hotUpgradeEmptyImage"),
        invalid(
            "HotUpgrade with hotUpgradeEmptyImage equal to the image",
            s -> proxy(s).getUpgradeStrategy().setHotUpgradeEmptyImage("proxy:1"),
            "spec.containers[0].upgradeStrategy.hotUpgradeEmptyImage"),
        valid(
            "ColdUpgrade needs no empty image",
            s ->
                log(s)
                    .setUpgradeStrategy(new SidecarContainerUpgradeStrategy("ColdUpgrade", null))),
        invalid(
            "a HotUpgrade name too long for its -1/-2 slots",
            s -> proxy(s).setName("p".repeat(62)),
            "spec.containers[0].name"),
        invalid(
            "a HotUpgrade slot name taken by another container",
            s -> log(s).setName("proxy-1"),
            "spec.containers[0].name"),
        invalid(
            "HotUpgrade on a plain init container",
            s -> s.getSpec().setInitContainers(List.of(hotSidecar("init", "i:1", "empty:1"))),
            "spec.initContainers[0].upgradeStrategy.upgradeType"),
        valid(
            "transferEnv from a named container",
            s -> log(s).setTransferEnv(List.of(transfer("web", "TZ")))),
        invalid(
            "transferEnv without a source",
            s -> log(s).setTransferEnv(List.of(transfer(null, "TZ"))),
            "spec.containers[1].transferEnv[0]"),
        invalid(
            "transferEnv without envName or envNames",
            s -> log(s).setTransferEnv(List.of(transfer("web", null))),
            "spec.containers[1].transferEnv[0]"),
        invalid(
            "transferEnv with a source name and a source fieldRef",
            s -> {
              TransferEnvVar both = transferFrom("v1", "metadata.labels['main']");
              both.setSourceContainerName("web");
              log(s).setTransferEnv(List.of(both));
            },
            "spec.containers[1].transferEnv[0]"),
        valid(
            "transferEnv fieldRef to a label",
            s -> log(s).setTransferEnv(List.of(transferFrom("v1", "metadata.labels['main']")))),
        valid(
            "transferEnv fieldRef to an annotation, apiVersion left out",
            s ->
                log(s)
                    .setTransferEnv(
                        List.of(transferFrom(null, "metadata.annotations['a.io/main']")))),
        invalid(
            "transferEnv fieldRef to metadata.name",
            s -> log(s).setTransferEnv(List.of(transferFrom("v1", "metadata.name"))),
            "spec.containers[1].transferEnv[0].sourceContainerNameFrom.fieldRef.fieldPath"),
        invalid(
            "transferEnv fieldRef to a spec field",
            s -> log(s).setTransferEnv(List.of(transferFrom("v1", "spec.nodeName"))),
            "spec.containers[1].transferEnv[0].sourceContainerNameFrom.fieldRef.fieldPath"),
        invalid(
            "transferEnv fieldRef with apiVersion v2",
            s -> log(s).setTransferEnv(List.of(transferFrom("v2", "metadata.labels['main']"))),
            "spec.containers[1].transferEnv[0].sourceContainerNameFrom.fieldRef.apiVersion"),
        invalid(
            "transferEnv fieldRef with a bad label key",
            s -> log(s).setTransferEnv(List.of(transferFrom("v1", "metadata.labels['bad key']"))),
            "spec.containers[1].transferEnv[0].sourceContainerNameFrom.fieldRef.fieldPath"),
        invalid(
            "transferEnv envNames with a bad name",
            s -> {
              TransferEnvVar entry = transfer("web", null);
              entry.setEnvNames(List.of("OK", "1BAD"));
              log(s).setTransferEnv(List.of(entry));
            },
            "spec.containers[1].transferEnv[0].envNames[1]"),
        invalid(
            "an imagePullSecret without a name",
            s -> s.getSpec().setImagePullSecrets(List.of(new LocalObjectReference(""))),
            "spec.imagePullSecrets[0].name"));
  }

  static Stream<Arguments> strategies() {
    return Stream.of(
        invalid(
            "an unknown update strategy type",
            s -> strategy(s).setType("Recreate"),
            "spec.updateStrategy.type"),
        valid("NotUpdate", s -> strategy(s).setType("NotUpdate")),
        invalid(
            "a native sidecar init container under RollingUpdate",
            s ->
                s.getSpec()
                    .setInitContainers(
                        List.of(sidecar("agent", "a:1", c -> c.setRestartPolicy("Always")))),
            "spec.updateStrategy.type"),
        valid(
            "a native sidecar init container under NotUpdate",
            s -> {
              s.getSpec()
                  .setInitContainers(
                      List.of(sidecar("agent", "a:1", c -> c.setRestartPolicy("Always"))));
              strategy(s).setType("NotUpdate");
            }),
        invalid(
            "a non-zero partition with an update selector",
            s -> {
              strategy(s).setPartition(new IntOrString(2));
              strategy(s).setSelector(selector("canary", "true"));
            },
            "spec.updateStrategy"),
        valid(
            "a zero partition with an update selector",
            s -> {
              strategy(s).setPartition(new IntOrString(0));
              strategy(s).setSelector(selector("canary", "true"));
            }),
        valid(
            "partition and selector together under NotUpdate (not checked, as in Kruise)",
            s -> {
              strategy(s).setType("NotUpdate");
              strategy(s).setPartition(new IntOrString(2));
              strategy(s).setSelector(selector("canary", "true"));
            }),
        invalid(
            "an empty update selector",
            s -> strategy(s).setSelector(new LabelSelector()),
            "spec.updateStrategy.selector"),
        invalid(
            "a negative partition",
            s -> strategy(s).setPartition(new IntOrString(-1)),
            "spec.updateStrategy.partition"),
        valid("a percentage partition", s -> strategy(s).setPartition(new IntOrString("30%"))),
        invalid(
            "a partition that is neither int nor percentage",
            s -> strategy(s).setPartition(new IntOrString("half")),
            "spec.updateStrategy.partition"),
        invalid(
            "a partition above 100%",
            s -> strategy(s).setPartition(new IntOrString("101%")),
            "spec.updateStrategy.partition"),
        valid(
            "maxUnavailable 0 (accepted, as in Kruise)",
            s -> strategy(s).setMaxUnavailable(new IntOrString(0))),
        invalid(
            "a negative maxUnavailable",
            s -> strategy(s).setMaxUnavailable(new IntOrString(-3)),
            "spec.updateStrategy.maxUnavailable"),
        invalid(
            "a maxUnavailable of '5'",
            s -> strategy(s).setMaxUnavailable(new IntOrString("5")),
            "spec.updateStrategy.maxUnavailable"),
        valid("maxUnavailable 25%", s -> strategy(s).setMaxUnavailable(new IntOrString("25%"))),
        valid("priority weights 0 and 100", s -> strategy(s).setPriorityStrategy(weights(0, 100))),
        invalid(
            "a priority weight of 101",
            s -> strategy(s).setPriorityStrategy(weights(101)),
            "spec.updateStrategy.priorityStrategy.weightPriority[0].weight"),
        invalid(
            "a negative priority weight",
            s -> strategy(s).setPriorityStrategy(weights(50, -1)),
            "spec.updateStrategy.priorityStrategy.weightPriority[1].weight"),
        invalid(
            "a weight term with an empty selector",
            s -> {
              UpdatePriorityStrategy priority = weights(10);
              priority.getWeightPriority().get(0).setMatchSelector(new LabelSelector());
              strategy(s).setPriorityStrategy(priority);
            },
            "spec.updateStrategy.priorityStrategy.weightPriority[0].matchSelector"),
        invalid(
            "weightPriority and orderPriority together",
            s -> {
              UpdatePriorityStrategy priority = weights(10);
              priority.setOrderPriority(List.of(new UpdatePriorityOrderTerm("rank")));
              strategy(s).setPriorityStrategy(priority);
            },
            "spec.updateStrategy.priorityStrategy"),
        invalid(
            "an empty orderedKey",
            s -> {
              UpdatePriorityStrategy priority = new UpdatePriorityStrategy();
              priority.setOrderPriority(List.of(new UpdatePriorityOrderTerm("")));
              strategy(s).setPriorityStrategy(priority);
            },
            "spec.updateStrategy.priorityStrategy.orderPriority[0].orderedKey"),
        valid(
            "a scatter strategy",
            s ->
                strategy(s)
                    .setScatterStrategy(
                        List.of(
                            new UpdateScatterTerm("zone", "a"),
                            new UpdateScatterTerm("zone", "b")))),
        invalid(
            "a scatter term without a key",
            s -> strategy(s).setScatterStrategy(List.of(new UpdateScatterTerm("", "a"))),
            "spec.updateStrategy.scatterStrategy[0].key"),
        invalid(
            "a scatter term without a value",
            s -> strategy(s).setScatterStrategy(List.of(new UpdateScatterTerm("zone", ""))),
            "spec.updateStrategy.scatterStrategy[0].value"),
        invalid(
            "a duplicated scatter term",
            s ->
                strategy(s)
                    .setScatterStrategy(
                        List.of(
                            new UpdateScatterTerm("zone", "a"),
                            new UpdateScatterTerm("zone", "a"))),
            "spec.updateStrategy.scatterStrategy[1]"),
        invalid(
            "hotUpgradeTimeoutSeconds 0",
            s -> strategy(s).setHotUpgradeTimeoutSeconds(0),
            "spec.updateStrategy.hotUpgradeTimeoutSeconds"),
        valid("hotUpgradeTimeoutSeconds 1", s -> strategy(s).setHotUpgradeTimeoutSeconds(1)),
        invalid(
            "a negative revisionHistoryLimit",
            s -> s.getSpec().setRevisionHistoryLimit(-1),
            "spec.revisionHistoryLimit"),
        invalid(
            "a revision with neither name nor custom version",
            s -> revision(s),
            "spec.injectionStrategy.revision"),
        valid("a revision by name", s -> revision(s).setRevisionName("mesh-7d9f")),
        valid("a revision by custom version", s -> revision(s).setCustomVersion("v2")),
        invalid(
            "a revision with an unknown policy",
            s -> {
              SidecarSetInjectRevision revision = revision(s);
              revision.setRevisionName("mesh-7d9f");
              revision.setPolicy("Sometimes");
            },
            "spec.injectionStrategy.revision.policy"));
  }

  static Stream<Arguments> patchPodMetadata() {
    return Stream.of(
        valid("a Retain patch", s -> patch(s, "Retain", Map.of("example.com/a", "1"))),
        valid(
            "a MergePatchJson patch of a JSON object",
            s -> patch(s, "MergePatchJson", Map.of("example.com/a", "{\"x\":1}"))),
        invalid(
            "a patch without annotations",
            s -> patch(s, "Retain", Map.of()),
            "spec.patchPodMetadata[0].annotations"),
        invalid(
            "an unknown patch policy",
            s -> patch(s, "Append", Map.of("example.com/a", "1")),
            "spec.patchPodMetadata[0].patchPolicy"),
        invalid(
            "a patched key that is not a qualified name",
            s -> patch(s, "Retain", Map.of("bad key", "1")),
            "spec.patchPodMetadata[0].annotations[bad key]"),
        invalid(
            "a MergePatchJson value that is not JSON",
            s -> patch(s, "MergePatchJson", Map.of("example.com/a", "x=1")),
            "spec.patchPodMetadata[0].annotations[example.com/a]"),
        invalid(
            "a MergePatchJson value that is a JSON array",
            s -> patch(s, "MergePatchJson", Map.of("example.com/a", "[1]")),
            "spec.patchPodMetadata[0].annotations[example.com/a]"),
        invalid(
            "a patch of the SidecarSet hash annotation",
            s -> patch(s, "Overwrite", Map.of("sidecarset.io/hash", "{}")),
            "spec.patchPodMetadata[0].annotations[sidecarset.io/hash]"),
        invalid(
            "a patch of a hot-upgrade version annotation",
            s -> patch(s, "Overwrite", Map.of("version.sidecarset.io/proxy-1", "5")),
            "spec.patchPodMetadata[0].annotations[version.sidecarset.io/proxy-1]"),
        invalid(
            "one key in two patches",
            s ->
                s.getSpec()
                    .setPatchPodMetadata(
                        List.of(
                            new SidecarSetPatchPodMetadata(Map.of("example.com/a", "1"), "Retain"),
                            new SidecarSetPatchPodMetadata(
                                Map.of("example.com/a", "2"), "Overwrite"))),
            "spec.patchPodMetadata[1].annotations[example.com/a]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({
    "metadataAndSelectors",
    "containers",
    "sidecarFields",
    "strategies",
    "patchPodMetadata"
  })
  void validateCreate_alone(Consumer<SidecarSet> change, List<String> expectedFields) {
    SidecarSet set = validSet();
    change.accept(set);

    ValidationResult result = VALIDATOR.validateCreate(set, List.of());

    assertThat(result.fields()).as(result.message()).isEqualTo(expectedFields);
    assertThat(result.isValid()).isEqualTo(expectedFields.isEmpty());
  }

  @Test
  void everyErrorIsReportedAtOnce() {
    SidecarSet set = validSet();
    set.getMetadata().setName("bad.name");
    set.getSpec().setSelector(null);
    proxy(set).getUpgradeStrategy().setHotUpgradeEmptyImage(null);
    log(set).setImage(null);
    strategy(set).setHotUpgradeTimeoutSeconds(0);

    ValidationResult result = VALIDATOR.validateCreate(set, List.of());

    assertThat(result.fields())
        .containsExactlyInAnyOrder(
            "metadata.name",
            "spec.selector",
            "spec.updateStrategy.hotUpgradeTimeoutSeconds",
            "spec.containers[1].image",
            "spec.containers[0].upgradeStrategy.hotUpgradeEmptyImage");
    assertThat(result.message())
        .contains(
            "spec.containers[0].upgradeStrategy.hotUpgradeEmptyImage: required for HotUpgrade");
  }

  @Test
  void badInputNeverThrows() {
    SidecarSet set = new SidecarSet();
    set.setSpec(null);
    assertThat(VALIDATOR.validateCreate(set, List.of()).fields())
        .containsExactly("metadata.name", "spec");

    SidecarSet nulls = sidecarSet("x", new SidecarContainer());
    nulls.getSpec().setVolumes(List.of(new Volume()));
    nulls
        .getSpec()
        .getContainers()
        .get(0)
        .setVolumeMounts(List.of(new io.fabric8.kubernetes.api.model.VolumeMount()));
    assertThat(VALIDATOR.validateCreate(nulls, List.of(nulls)).isValid()).isFalse();
  }

  @Test
  void revisionExistenceIsAskedOfTheCaller() {
    SidecarSet set = validSet();
    revision(set).setRevisionName("mesh-7d9f");
    RevisionLookup none = (s, r) -> false;

    ValidationResult result =
        new SidecarSetValidator(none, NamespaceLabelsLookup.UNKNOWN).validateCreate(set, List.of());

    assertThat(result.fields()).containsExactly("spec.injectionStrategy.revision");
    assertThat(result.message()).contains("mesh-7d9f");
  }

  // --- update rules -------------------------------------------------------------------------

  private static Arguments update(String scenario, Consumer<SidecarSet> change, String... fields) {
    return Arguments.of(Named.of(scenario, change), List.of(fields));
  }

  static Stream<Arguments> updates() {
    return Stream.of(
        update("an image change is allowed", s -> log(s).setImage("log:2")),
        update("an env change is allowed", s -> log(s).setEnv(List.of(env("A", "1")))),
        update("removing a container is allowed", s -> s.getSpec().getContainers().remove(1)),
        update(
            "adding a container is refused",
            s -> s.getSpec().getContainers().add(sidecar("metrics", "m:1")),
            "spec.containers[2].name"),
        update(
            "renaming a container is refused",
            s -> log(s).setName("logger"),
            "spec.containers[1].name"),
        update(
            "HotUpgrade to ColdUpgrade is refused",
            s -> proxy(s).getUpgradeStrategy().setUpgradeType("ColdUpgrade"),
            "spec.containers[0].upgradeStrategy.upgradeType"),
        update(
            "ColdUpgrade to HotUpgrade is refused",
            s ->
                log(s)
                    .setUpgradeStrategy(
                        new SidecarContainerUpgradeStrategy("HotUpgrade", "empty:1")),
            "spec.containers[1].upgradeStrategy.upgradeType"),
        update(
            "an explicit ColdUpgrade where none was set is no change",
            s ->
                log(s)
                    .setUpgradeStrategy(new SidecarContainerUpgradeStrategy("ColdUpgrade", null))),
        update(
            "adding an init container is allowed (only new pods get it)",
            s -> s.getSpec().setInitContainers(List.of(sidecar("init", "i:1")))),
        update(
            "changing the empty image is allowed",
            s -> proxy(s).getUpgradeStrategy().setHotUpgradeEmptyImage("empty:2")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("updates")
  void validateUpdate(Consumer<SidecarSet> change, List<String> expectedFields) {
    SidecarSet old = validSet();
    SidecarSet set = validSet();
    change.accept(set);

    ValidationResult result = VALIDATOR.validateUpdate(set, old, List.of(old));

    assertThat(result.fields()).as(result.message()).isEqualTo(expectedFields);
  }

  // --- conflicts with other sets -------------------------------------------------------------

  private static Arguments conflict(
      String scenario, Consumer<SidecarSet> change, SidecarSet other, String... fields) {
    return Arguments.of(Named.of(scenario, change), other, List.of(fields));
  }

  private static SidecarSet other(Consumer<SidecarSet> change) {
    SidecarSet other = sidecarSet("other", sidecar("agent", "agent:1"));
    change.accept(other);
    return other;
  }

  static Stream<Arguments> conflicts() {
    return Stream.of(
        conflict("an unrelated set", s -> {}, other(o -> {})),
        conflict(
            "a container name used by an overlapping set",
            s -> {},
            other(o -> o.getSpec().getContainers().get(0).setName("log")),
            "spec.containers[1].name"),
        conflict(
            "a container name used by a set selecting other pods",
            s -> {},
            other(
                o -> {
                  o.getSpec().getContainers().get(0).setName("log");
                  o.getSpec().setSelector(selector("app", "api"));
                })),
        conflict(
            "a container name used by a set in another namespace",
            s -> s.getSpec().setNamespace("shop"),
            other(
                o -> {
                  o.getSpec().getContainers().get(0).setName("log");
                  o.getSpec().setNamespace("billing");
                })),
        conflict(
            "a container name used by a set whose namespaceSelector cannot meet ours",
            s -> s.getSpec().setNamespaceSelector(selector("mesh", "on")),
            other(
                o -> {
                  o.getSpec().getContainers().get(0).setName("log");
                  o.getSpec().setNamespaceSelector(selector("mesh", "off"));
                })),
        conflict(
            "a container name used by a set whose namespaceSelector selects our namespace by name",
            s -> s.getSpec().setNamespace("shop"),
            other(
                o -> {
                  o.getSpec().getContainers().get(0).setName("log");
                  o.getSpec().setNamespaceSelector(selector("kubernetes.io/metadata.name", "shop"));
                }),
            "spec.containers[1].name"),
        conflict(
            "a container name used by a set whose namespaceSelector excludes our namespace by name",
            s -> s.getSpec().setNamespace("shop"),
            other(
                o -> {
                  o.getSpec().getContainers().get(0).setName("log");
                  o.getSpec()
                      .setNamespaceSelector(selector("kubernetes.io/metadata.name", "billing"));
                })),
        conflict(
            "our hot-upgrade slot name used by another set",
            s -> {},
            other(o -> o.getSpec().getContainers().get(0).setName("proxy-2")),
            "spec.containers[0].name"),
        conflict(
            "an init container name used by another set's container",
            s -> s.getSpec().setInitContainers(List.of(sidecar("agent", "a:1"))),
            other(o -> {}),
            "spec.initContainers[0].name"),
        conflict(
            "an init container name used by another set's init container",
            s -> s.getSpec().setInitContainers(List.of(sidecar("setup", "a:1"))),
            other(o -> o.getSpec().setInitContainers(List.of(sidecar("setup", "b:1")))),
            "spec.initContainers[0].name"),
        conflict(
            "an identical volume of one name",
            s -> {},
            other(o -> o.getSpec().setVolumes(List.of(configMap("log-conf", "log"))))),
        conflict(
            "a different volume of one name",
            s -> {},
            other(o -> o.getSpec().setVolumes(List.of(emptyDir("log-conf")))),
            "spec.volumes[0]"),
        conflict(
            "both sets Overwrite one annotation",
            s -> patch(s, "Overwrite", Map.of("example.com/a", "1")),
            other(o -> patch(o, "Overwrite", Map.of("example.com/a", "2"))),
            "spec.patchPodMetadata[0].annotations[example.com/a]"),
        conflict(
            "we Overwrite what the other merges",
            s -> patch(s, "Overwrite", Map.of("example.com/a", "1")),
            other(o -> patch(o, "MergePatchJson", Map.of("example.com/a", "{}"))),
            "spec.patchPodMetadata[0].annotations[example.com/a]"),
        conflict(
            "we merge what the other Overwrites",
            s -> patch(s, "MergePatchJson", Map.of("example.com/a", "{}")),
            other(o -> patch(o, "Overwrite", Map.of("example.com/a", "2"))),
            "spec.patchPodMetadata[0].annotations[example.com/a]"),
        conflict(
            "both merge one annotation",
            s -> patch(s, "MergePatchJson", Map.of("example.com/a", "{\"x\":1}")),
            other(o -> patch(o, "MergePatchJson", Map.of("example.com/a", "{\"y\":1}")))),
        conflict(
            "we Retain what the other Overwrites",
            s -> patch(s, "Retain", Map.of("example.com/a", "1")),
            other(o -> patch(o, "Overwrite", Map.of("example.com/a", "2")))),
        conflict("the set itself, stored under its own name, is no conflict", s -> {}, validSet()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conflicts")
  void validateCreate_againstOthers(
      Consumer<SidecarSet> change, SidecarSet other, List<String> expectedFields) {
    SidecarSet set = validSet();
    change.accept(set);

    ValidationResult result = VALIDATOR.validateCreate(set, List.of(other));

    assertThat(result.fields()).as(result.message()).isEqualTo(expectedFields);
  }

  @Test
  void namespaceLabelsFromTheCallerDecideNamespaceOverlap() {
    SidecarSet set = validSet();
    set.getSpec().setNamespace("shop");
    SidecarSet other =
        other(
            o -> {
              o.getSpec().getContainers().get(0).setName("log");
              o.getSpec().setNamespaceSelector(selector("mesh", "on"));
            });
    NamespaceLabelsLookup meshOff = ns -> Optional.of(Map.of("mesh", "off"));
    NamespaceLabelsLookup meshOn = ns -> Optional.of(Map.of("mesh", "on"));

    assertThat(VALIDATOR.validateCreate(set, List.of(other)).fields())
        .as("labels unknown: assume the selector may select the namespace")
        .containsExactly("spec.containers[1].name");
    assertThat(
            new SidecarSetValidator(RevisionLookup.ANY, meshOff)
                .validateCreate(set, List.of(other))
                .isValid())
        .isTrue();
    assertThat(
            new SidecarSetValidator(RevisionLookup.ANY, meshOn)
                .validateCreate(set, List.of(other))
                .fields())
        .containsExactly("spec.containers[1].name");
  }
}
