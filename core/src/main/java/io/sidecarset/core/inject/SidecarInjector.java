package io.sidecarset.core.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.LocalObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeDevice;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.SidecarSetEnv;
import io.sidecarset.api.SidecarSetLabels;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.core.match.SidecarSetMatcher;
import io.sidecarset.core.pod.NativeSidecarContainers;
import io.sidecarset.core.pod.PodSidecarSetHash;
import io.sidecarset.core.pod.PodSidecarSetHashes;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes the pod the mutating webhook admits: the input pod plus the sidecars of every SidecarSet
 * that applies to it. A pure function of its inputs and the clock, so the webhook only decodes,
 * calls {@link #inject}, and diffs.
 *
 * <p>Per set (sets sorted by name, containers in spec order), as Kruise's {@code
 * sidecarsetMutatingPod} does:
 *
 * <ol>
 *   <li>{@code patchPodMetadata} is applied to the pod annotations;
 *   <li>each sidecar gets its own env, then {@code IS_INJECTED=true}, then {@code transferEnv} and
 *       the env named by shared {@code subPathExpr}s, the sidecar's own names winning; its own
 *       volume mounts and devices, then the app containers' ones if sharing is enabled;
 *   <li>a {@code HotUpgrade} sidecar {@code c} becomes {@code c-1} (image) and {@code c-2} ({@code
 *       hotUpgradeEmptyImage}) with {@code SIDECARSET_VERSION}/{@code _ALT} from the downward API;
 *   <li>a pod container of the same name is replaced in place; otherwise {@code BeforeAppContainer}
 *       sidecars go in front of the pod's containers, {@code AfterAppContainer} ones after them;
 *       init containers are sorted by name and appended after the pod's own;
 *   <li>the set volumes its containers mount, and its pull secrets, are added where the pod lacks
 *       the name;
 *   <li>annotations {@code sidecarset.io/hash}, {@code hash-without-image}, {@code injected-list},
 *       {@code working-hotupgrade-container} and the slot versions are written, and the label
 *       {@code sidecarset.io/injected=true} is set.
 * </ol>
 *
 * <p>Injection is idempotent: a set already named in the pod's injected list or hash annotation is
 * skipped, so a retried admission leaves the pod as it is.
 *
 * <p>The hashes of a set read from the apiserver are computed once per {@code resourceVersion} and
 * remembered; an instance is safe to share between threads.
 *
 * <p>Not done here: choosing a pinned revision ({@code injectionStrategy.revision}) — the caller
 * passes the SidecarSet as it wants it injected, e.g. restored from a ControllerRevision.
 */
public final class SidecarInjector {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final Comparator<SidecarSet> BY_NAME =
      Comparator.comparing(set -> String.valueOf(set.getMetadata().getName()));

  private final Clock clock;
  private final SidecarSetHashCache hashes = new SidecarSetHashCache();

  /**
   * @param clock the source of the {@code updateTimestamp} recorded per set
   */
  public SidecarInjector(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Injects into a copy of {@code pod} every set of {@code sidecarSets} that applies to it.
   *
   * @param pod the pod being created; not modified
   * @param sidecarSets candidate sets: those that do not match the pod ({@link
   *     SidecarSetMatcher#match}) are ignored, so passing every set is fine
   * @param namespaceLabels the labels of the pod's namespace, for {@code namespaceSelector}
   * @return the pod to admit and what was injected; never null
   */
  public InjectionResult inject(
      Pod pod, Collection<SidecarSet> sidecarSets, Map<String, String> namespaceLabels) {
    Pod mutated = new PodBuilder(pod).build();
    Map<String, String> annotations = annotationsOf(pod);
    Set<String> present = injectedSetNames(annotations);

    List<SidecarSet> toInject = new ArrayList<>();
    List<String> alreadyInjected = new ArrayList<>();
    for (SidecarSet set : SidecarSetMatcher.matching(sidecarSets, pod, namespaceLabels)) {
      if (present.contains(set.getMetadata().getName())) {
        alreadyInjected.add(set.getMetadata().getName());
      } else {
        toInject.add(set);
      }
    }
    if (toInject.isEmpty()) {
      return new InjectionResult(mutated, List.of(), alreadyInjected, List.of());
    }
    toInject.sort(BY_NAME);
    List<String> warnings = new ArrayList<>();

    // 1. pod metadata patches first: transferEnv may read the annotations they write
    ObjectMeta metadata = ensureMetadata(mutated);
    Map<String, String> patched = new LinkedHashMap<>(annotations);
    for (SidecarSet set : toInject) {
      PodMetadataPatcher.Patched result =
          PodMetadataPatcher.apply(patched, set.getSpec().getPatchPodMetadata());
      patched = result.annotations();
      result.warnings().forEach(w -> warnings.add(set.getMetadata().getName() + ": " + w));
    }
    metadata.setAnnotations(patched);

    // 2. build every set's containers against the pod as it came in (plus its patched metadata)
    SetBuild build = new SetBuild(hashes);
    for (SidecarSet set : toInject) {
      build.add(set, mutated, warnings);
    }

    // 3. merge into the pod spec
    PodSpec spec = ensureSpec(mutated);
    if (!build.before.isEmpty() || !build.after.isEmpty()) {
      spec.setContainers(
          PodSpecMerge.containers(orEmpty(spec.getContainers()), build.before, build.after));
    }
    if (!build.initContainers.isEmpty()) {
      List<Container> initContainers = new ArrayList<>(build.initContainers);
      initContainers.sort(Comparator.comparing(Container::getName));
      spec.setInitContainers(
          PodSpecMerge.containers(orEmpty(spec.getInitContainers()), List.of(), initContainers));
    }
    List<String> podVolumeNames = orEmpty(spec.getVolumes()).stream().map(Volume::getName).toList();
    if (!build.volumes.isEmpty()) {
      spec.setVolumes(PodSpecMerge.volumes(orEmpty(spec.getVolumes()), build.volumes));
    }
    List<String> podSecretNames =
        orEmpty(spec.getImagePullSecrets()).stream().map(LocalObjectReference::getName).toList();
    if (!build.secrets.isEmpty()) {
      spec.setImagePullSecrets(
          PodSpecMerge.secrets(orEmpty(spec.getImagePullSecrets()), build.secrets));
    }

    // 4. annotations and the label the controller's informer selects on
    writeAnnotations(metadata.getAnnotations(), toInject, build, warnings);
    Map<String, String> labels =
        metadata.getLabels() == null ? new LinkedHashMap<>() : metadata.getLabels();
    labels.put(SidecarSetLabels.INJECTED, SidecarSetLabels.INJECTED_TRUE);
    metadata.setLabels(labels);

    List<InjectedSidecarSet> injected = new ArrayList<>();
    for (SidecarSet set : toInject) {
      String name = set.getMetadata().getName();
      injected.add(
          new InjectedSidecarSet(
              name,
              build.hashes.get(name),
              build.hashesWithoutImage.get(name),
              build.containersBySet.getOrDefault(name, List.of()),
              build.initContainersBySet.getOrDefault(name, List.of()).stream().sorted().toList(),
              build.volumesBySet.getOrDefault(name, List.of()).stream()
                  .filter(v -> !podVolumeNames.contains(v))
                  .distinct()
                  .toList(),
              orEmpty(set.getSpec().getImagePullSecrets()).stream()
                  .map(LocalObjectReference::getName)
                  .filter(s -> !podSecretNames.contains(s))
                  .distinct()
                  .toList()));
    }
    return new InjectionResult(mutated, injected, alreadyInjected, warnings);
  }

  private void writeAnnotations(
      Map<String, String> annotations,
      List<SidecarSet> injected,
      SetBuild build,
      List<String> warnings) {
    String now =
        DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    Map<String, PodSidecarSetHash> hashes =
        PodSidecarSetHashes.read(annotations, SidecarSetAnnotations.HASH);
    Map<String, PodSidecarSetHash> hashesWithoutImage =
        PodSidecarSetHashes.read(annotations, SidecarSetAnnotations.HASH_WITHOUT_IMAGE);
    Set<String> names = new TreeSet<>(injectedList(annotations));
    for (SidecarSet set : injected) {
      String name = set.getMetadata().getName();
      List<String> sidecarList = build.sidecarLists.get(name);
      hashes.put(name, new PodSidecarSetHash(build.hashes.get(name), name, sidecarList, now));
      hashesWithoutImage.put(
          name, new PodSidecarSetHash(build.hashesWithoutImage.get(name), name, sidecarList, now));
      names.add(name);
    }
    annotations.put(SidecarSetAnnotations.HASH, PodSidecarSetHashes.write(hashes));
    annotations.put(
        SidecarSetAnnotations.HASH_WITHOUT_IMAGE, PodSidecarSetHashes.write(hashesWithoutImage));
    annotations.put(SidecarSetAnnotations.INJECTED_LIST, String.join(",", names));
    if (!build.workingHotUpgrade.isEmpty()) {
      Map<String, String> working =
          readStringMap(
              annotations.get(SidecarSetAnnotations.WORKING_HOTUPGRADE_CONTAINER), warnings);
      working.putAll(build.workingHotUpgrade);
      annotations.put(SidecarSetAnnotations.WORKING_HOTUPGRADE_CONTAINER, writeStringMap(working));
      annotations.putAll(build.versionAnnotations);
    }
  }

  /** Accumulates the containers, volumes and records of the sets being injected, in order. */
  private static final class SetBuild {
    final List<Container> before = new ArrayList<>();
    final List<Container> after = new ArrayList<>();
    final List<Container> initContainers = new ArrayList<>();
    final List<Volume> volumes = new ArrayList<>();
    final List<LocalObjectReference> secrets = new ArrayList<>();
    final Map<String, String> hashes = new LinkedHashMap<>();
    final Map<String, String> hashesWithoutImage = new LinkedHashMap<>();
    final Map<String, List<String>> sidecarLists = new LinkedHashMap<>();
    final Map<String, List<String>> containersBySet = new LinkedHashMap<>();
    final Map<String, List<String>> initContainersBySet = new LinkedHashMap<>();
    final Map<String, List<String>> volumesBySet = new LinkedHashMap<>();
    final Map<String, String> workingHotUpgrade = new TreeMap<>();
    final Map<String, String> versionAnnotations = new LinkedHashMap<>();
    private final SidecarSetHashCache hashCache;

    SetBuild(SidecarSetHashCache hashCache) {
      this.hashCache = hashCache;
    }

    void add(SidecarSet set, Pod pod, List<String> warnings) {
      String name = set.getMetadata().getName();
      Map<String, Volume> setVolumes = new LinkedHashMap<>();
      for (Volume volume : orEmpty(set.getSpec().getVolumes())) {
        setVolumes.putIfAbsent(volume.getName(), volume);
      }
      Set<String> usedVolumes = new LinkedHashSet<>();
      TreeSet<String> sidecarList = new TreeSet<>();
      List<String> containerNames = new ArrayList<>();
      List<String> initNames = new ArrayList<>();

      for (SidecarContainer sidecar : set.getSpec().initContainersOrEmpty()) {
        if (isNativeSidecar(sidecar)) {
          sidecarList.add(sidecar.getName());
        }
        usedVolumes.addAll(ownVolumeNames(sidecar));
        Container built = build(sidecar, pod, warnings);
        List<Container> placed =
            isNativeSidecar(sidecar) && sidecar.isHotUpgrade()
                ? hotUpgrade(sidecar, built)
                : List.of(built);
        placed.forEach(c -> initNames.add(c.getName()));
        initContainers.addAll(placed);
      }
      secrets.addAll(
          orEmpty(set.getSpec().getImagePullSecrets()).stream()
              .map(s -> new LocalObjectReferenceBuilder(s).build())
              .toList());

      for (SidecarContainer sidecar : set.getSpec().containersOrEmpty()) {
        sidecarList.add(sidecar.getName());
        usedVolumes.addAll(ownVolumeNames(sidecar));
        Container built = build(sidecar, pod, warnings);
        List<Container> placed =
            sidecar.isHotUpgrade() ? hotUpgrade(sidecar, built) : List.of(built);
        placed.forEach(c -> containerNames.add(c.getName()));
        if (SidecarContainer.AFTER_APP_CONTAINER.equals(sidecar.podInjectPolicyOrDefault())) {
          after.addAll(placed);
        } else {
          before.addAll(placed);
        }
      }

      List<String> volumeNames = new ArrayList<>();
      for (String volumeName : usedVolumes) {
        Volume volume = setVolumes.get(volumeName);
        if (volume != null) {
          volumes.add(new VolumeBuilder(volume).build());
          volumeNames.add(volumeName);
        }
      }
      SidecarSetHashCache.Hashes setHashes = hashCache.of(set);
      hashes.put(name, setHashes.hash());
      hashesWithoutImage.put(name, setHashes.withoutImage());
      sidecarLists.put(name, List.copyOf(sidecarList));
      containersBySet.put(name, containerNames);
      initContainersBySet.put(name, initNames);
      volumesBySet.put(name, volumeNames);
    }

    private List<Container> hotUpgrade(SidecarContainer sidecar, Container built) {
      List<Container> slots =
          HotUpgradeContainers.slots(built, sidecar.getUpgradeStrategy().getHotUpgradeEmptyImage());
      workingHotUpgrade.put(sidecar.getName(), slots.get(0).getName());
      versionAnnotations.putAll(HotUpgradeContainers.initialVersionAnnotations(sidecar.getName()));
      return slots;
    }
  }

  /** One sidecar as a plain pod container, with its env and shared mounts resolved. */
  private static Container build(SidecarContainer sidecar, Pod pod, List<String> warnings) {
    Container container = new ContainerBuilder(sidecar).build();

    List<EnvVar> env = new ArrayList<>();
    for (EnvVar own : orEmpty(container.getEnv())) {
      if (!SidecarSetEnv.IS_INJECTED.equals(own.getName())) {
        env.add(own);
      }
    }
    env.add(new EnvVar(SidecarSetEnv.IS_INJECTED, SidecarSetEnv.IS_INJECTED_TRUE, null));
    List<EnvVar> transferred = TransferredEnv.resolve(sidecar, pod, warnings);
    if (sidecar.sharesVolumes()) {
      transferred = PodSpecMerge.env(transferred, SharedPodVolumes.subPathExprEnv(pod));
      container.setVolumeMounts(
          PodSpecMerge.mounts(orEmpty(container.getVolumeMounts()), SharedPodVolumes.mounts(pod)));
    }
    if (sidecar.sharesVolumeDevices()) {
      container.setVolumeDevices(
          PodSpecMerge.devices(
              orEmpty(container.getVolumeDevices()), SharedPodVolumes.devices(pod)));
    }
    container.setEnv(copyEnv(PodSpecMerge.env(env, transferred)));
    return container;
  }

  private static List<EnvVar> copyEnv(List<EnvVar> env) {
    return env.stream().map(e -> new EnvVarBuilder(e).build()).toList();
  }

  private static Set<String> ownVolumeNames(SidecarContainer sidecar) {
    Set<String> names = new LinkedHashSet<>();
    orEmpty(sidecar.getVolumeMounts()).stream().map(VolumeMount::getName).forEach(names::add);
    orEmpty(sidecar.getVolumeDevices()).stream().map(VolumeDevice::getName).forEach(names::add);
    return names;
  }

  private static boolean isNativeSidecar(SidecarContainer container) {
    return NativeSidecarContainers.isNativeSidecar(container);
  }

  private static Set<String> injectedSetNames(Map<String, String> annotations) {
    Set<String> names = new HashSet<>(injectedList(annotations));
    names.addAll(PodSidecarSetHashes.read(annotations, SidecarSetAnnotations.HASH).keySet());
    return names;
  }

  private static List<String> injectedList(Map<String, String> annotations) {
    String list = annotations.get(SidecarSetAnnotations.INJECTED_LIST);
    if (list == null || list.isBlank()) {
      return List.of();
    }
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static Map<String, String> readStringMap(String json, List<String> warnings) {
    if (json == null || json.isBlank()) {
      return new TreeMap<>();
    }
    try {
      Map<String, String> map = JSON.readValue(json, STRING_MAP);
      return map == null ? new TreeMap<>() : new TreeMap<>(map);
    } catch (JsonProcessingException e) {
      warnings.add(
          "annotation "
              + SidecarSetAnnotations.WORKING_HOTUPGRADE_CONTAINER
              + " was not a JSON map and is rewritten");
      return new TreeMap<>();
    }
  }

  private static String writeStringMap(Map<String, String> map) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(map));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serialises", e);
    }
  }

  private static Map<String, String> annotationsOf(Pod pod) {
    if (pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null) {
      return Map.of();
    }
    return pod.getMetadata().getAnnotations();
  }

  private static ObjectMeta ensureMetadata(Pod pod) {
    if (pod.getMetadata() == null) {
      pod.setMetadata(new ObjectMeta());
    }
    return pod.getMetadata();
  }

  private static PodSpec ensureSpec(Pod pod) {
    if (pod.getSpec() == null) {
      pod.setSpec(new PodSpec());
    }
    return pod.getSpec();
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
