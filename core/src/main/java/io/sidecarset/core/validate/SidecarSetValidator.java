package io.sidecarset.core.validate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.sidecarset.api.HotUpgradeSlots;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.v1alpha1.ShareVolumePolicy;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarContainerUpgradeStrategy;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetInjectRevision;
import io.sidecarset.api.v1alpha1.SidecarSetPatchPodMetadata;
import io.sidecarset.api.v1alpha1.SidecarSetSpec;
import io.sidecarset.api.v1alpha1.SidecarSetUpdateStrategy;
import io.sidecarset.api.v1alpha1.TransferEnvVar;
import io.sidecarset.api.v1alpha1.UpdatePriorityOrderTerm;
import io.sidecarset.api.v1alpha1.UpdatePriorityStrategy;
import io.sidecarset.api.v1alpha1.UpdatePriorityWeightTerm;
import io.sidecarset.api.v1alpha1.UpdateScatterTerm;
import io.sidecarset.core.pod.NativeSidecarContainers;
import java.math.BigInteger;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a SidecarSet may be created or updated: every rule of Kruise's validating webhook
 * that can be checked without the API server, plus the hot-upgrade rules Kruise lacks (an empty
 * image that differs from the image; a timeout of at least one second). Returns every broken rule
 * at once, each with its field path; bad input never throws.
 *
 * <p>Absent fields read as their defaults (Kruise validates after its defaulting webhook).
 *
 * <p>Two checks need the cluster and are answered by the caller: whether a pinned injection
 * revision exists ({@link RevisionLookup}) and which labels a namespace has ({@link
 * NamespaceLabelsLookup}, used only to decide whether a set limited to one namespace can meet
 * another set's namespaceSelector). The webhook passes the other SidecarSets from its cache.
 */
public final class SidecarSetValidator {

  private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9\\-]+$");
  private static final int NAME_MAX_LENGTH = 63;

  /** Room for the {@code -1}/{@code -2} suffix in a 63-character container name. */
  private static final int HOT_UPGRADE_NAME_MAX_LENGTH =
      KubernetesNames.DNS1123_LABEL_MAX - HotUpgradeSlots.FIRST_SUFFIX.length();

  private static final Pattern PERCENT = Pattern.compile("^([0-9]+)%$");
  private static final Pattern SUBSCRIPTED_FIELD_PATH =
      Pattern.compile("^(metadata\\.labels|metadata\\.annotations)\\['(.*)'\\]$");
  private static final Set<String> INJECT_POLICIES =
      AllowedValues.of(SidecarContainer.BEFORE_APP_CONTAINER, SidecarContainer.AFTER_APP_CONTAINER);
  private static final Set<String> SHARE_POLICIES =
      AllowedValues.of(ShareVolumePolicy.ENABLED, ShareVolumePolicy.DISABLED);
  private static final Set<String> UPGRADE_TYPES =
      AllowedValues.of(
          SidecarContainerUpgradeStrategy.COLD_UPGRADE,
          SidecarContainerUpgradeStrategy.HOT_UPGRADE);
  private static final Set<String> UPDATE_TYPES =
      AllowedValues.of(
          SidecarSetUpdateStrategy.ROLLING_UPDATE, SidecarSetUpdateStrategy.NOT_UPDATE);
  private static final Set<String> PATCH_POLICIES =
      AllowedValues.of(
          SidecarSetPatchPodMetadata.RETAIN,
          SidecarSetPatchPodMetadata.OVERWRITE,
          SidecarSetPatchPodMetadata.MERGE_PATCH_JSON);
  private static final Set<String> REVISION_POLICIES =
      AllowedValues.of(
          SidecarSetInjectRevision.POLICY_ALWAYS, SidecarSetInjectRevision.POLICY_PARTIAL);
  private static final BigInteger ONE_HUNDRED = BigInteger.valueOf(100);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RevisionLookup revisions;
  private final NamespaceLabelsLookup namespaces;

  /** A validator that skips the revision-existence check and knows no namespace labels. */
  public SidecarSetValidator() {
    this(RevisionLookup.ANY, NamespaceLabelsLookup.UNKNOWN);
  }

  public SidecarSetValidator(RevisionLookup revisions, NamespaceLabelsLookup namespaces) {
    this.revisions = Objects.requireNonNull(revisions, "revisions");
    this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
  }

  /**
   * Validates a SidecarSet being created.
   *
   * @param set the new set
   * @param others the sets that exist already (the set itself, by name, is ignored among them)
   */
  public ValidationResult validateCreate(SidecarSet set, Collection<SidecarSet> others) {
    return guarded(
        errors -> {
          if (validateAlone(set, errors)) {
            ConflictRules.validate(set, others, namespaces, errors);
          }
        });
  }

  /**
   * Validates an update of a SidecarSet: the create rules, plus no container added or renamed and
   * no {@code upgradeType} changed (pods already injected could not follow).
   *
   * @param set the set as it would be stored
   * @param old the set as it is stored
   * @param others the sets that exist (the set itself, by name, is ignored among them)
   */
  public ValidationResult validateUpdate(
      SidecarSet set, SidecarSet old, Collection<SidecarSet> others) {
    return guarded(
        errors -> {
          if (validateAlone(set, errors)) {
            if (old != null && old.getSpec() != null && !hasNullElements(old.getSpec())) {
              validateChange(set.getSpec(), old.getSpec(), errors);
            }
            ConflictRules.validate(set, others, namespaces, errors);
          }
        });
  }

  /**
   * Runs the rules and turns an unexpected exception into an error: a malformed object must be
   * answered with a denial naming it, never with a webhook failure.
   */
  private static ValidationResult guarded(Consumer<ErrorList> rules) {
    ErrorList errors = new ErrorList();
    try {
      rules.accept(errors);
    } catch (RuntimeException e) {
      errors.add("spec", "could not be validated (malformed object?): " + e);
    }
    return errors.result();
  }

  /** The rules of the set on its own; false when it is too malformed to compare with others. */
  private boolean validateAlone(SidecarSet set, ErrorList errors) {
    validateName(set.getMetadata() == null ? null : set.getMetadata().getName(), errors);
    SidecarSetSpec spec = set.getSpec();
    if (spec == null) {
      errors.add("spec", "required");
      return false;
    }
    if (reportNullElements(spec, errors)) {
      return false;
    }
    if (spec.getSelector() == null) {
      errors.add("spec.selector", "required: no selector defined for SidecarSet");
    } else {
      SelectorRules.validateNonEmpty(spec.getSelector(), "spec.selector", errors);
    }
    validateNamespace(spec, errors);
    validateInjectionStrategy(set, errors);
    validateUpdateStrategy(spec, errors);
    if (spec.getRevisionHistoryLimit() != null && spec.getRevisionHistoryLimit() < 0) {
      errors.add("spec.revisionHistoryLimit", "must be greater than or equal to 0");
    }
    if (spec.containersOrEmpty().isEmpty() && spec.initContainersOrEmpty().isEmpty()) {
      errors.add("spec", "no initContainer or container defined for SidecarSet");
    }
    ContainerRules.validate(spec, errors);
    validateSidecarFields(spec, errors);
    validateImagePullSecrets(spec, errors);
    validatePatchPodMetadata(spec, errors);
    return true;
  }

  /**
   * JSON {@code null} items anywhere in the spec's lists (which the apiserver's decoder would have
   * turned into empty structs): reported with their paths, and the deeper rules skipped.
   */
  private static boolean reportNullElements(SidecarSetSpec spec, ErrorList errors) {
    boolean[] found = {false};
    NullElements.paths(JSON.valueToTree(spec), "spec")
        .forEach(
            path -> {
              errors.add(path, "must not be null");
              found[0] = true;
            });
    return found[0];
  }

  static boolean hasNullElements(SidecarSetSpec spec) {
    return reportNullElements(spec, new ErrorList());
  }

  private static void validateName(String name, ErrorList errors) {
    if (name == null || name.isEmpty()) {
      errors.add("metadata.name", "required");
      return;
    }
    if (!NAME.matcher(name).matches()) {
      errors.add(
          "metadata.name",
          "sidecarset name must consist of alphanumeric characters or '-' (regex "
              + NAME.pattern()
              + "): "
              + name);
    }
    if (name.length() > NAME_MAX_LENGTH) {
      errors.add("metadata.name", "must be no more than " + NAME_MAX_LENGTH + " characters");
    }
  }

  private static void validateNamespace(SidecarSetSpec spec, ErrorList errors) {
    String namespace = spec.getNamespace();
    boolean hasNamespace = namespace != null && !namespace.isEmpty();
    if (hasNamespace) {
      KubernetesNames.dns1123Label(namespace).forEach(m -> errors.add("spec.namespace", m));
    }
    if (hasNamespace && spec.getNamespaceSelector() != null) {
      errors.add(
          "spec.namespaceSelector", "namespace and namespaceSelector are mutually exclusive");
    } else if (spec.getNamespaceSelector() != null) {
      SelectorRules.validateNonEmpty(spec.getNamespaceSelector(), "spec.namespaceSelector", errors);
    }
  }

  private void validateInjectionStrategy(SidecarSet set, ErrorList errors) {
    SidecarSetInjectRevision revision = set.getSpec().injectionStrategyOrDefault().getRevision();
    if (revision == null) {
      return;
    }
    String path = "spec.injectionStrategy.revision";
    if (isBlank(revision.getRevisionName()) && isBlank(revision.getCustomVersion())) {
      errors.add(path, "revisionName and customVersion cannot be empty simultaneously");
    } else if (!revisions.exists(set, revision)) {
      errors.add(
          path,
          "cannot find the revision (revisionName="
              + revision.getRevisionName()
              + ", customVersion="
              + revision.getCustomVersion()
              + ")");
    }
    if (revision.getPolicy() != null
        && !revision.getPolicy().isEmpty()
        && !REVISION_POLICIES.contains(revision.getPolicy())) {
      errors.add(
          path + ".policy",
          "unsupported policy " + revision.getPolicy() + ", want one of " + REVISION_POLICIES);
    }
  }

  private static void validateUpdateStrategy(SidecarSetSpec spec, ErrorList errors) {
    SidecarSetUpdateStrategy strategy = spec.updateStrategyOrDefault();
    String path = "spec.updateStrategy";
    String type = strategy.typeOrDefault();
    if (!UPDATE_TYPES.contains(type)) {
      errors.add(
          path + ".type", "unsupported update strategy type " + type + ", want " + UPDATE_TYPES);
    }
    if (strategy.getHotUpgradeTimeoutSeconds() != null
        && strategy.getHotUpgradeTimeoutSeconds() < 1) {
      errors.add(path + ".hotUpgradeTimeoutSeconds", "must be at least 1");
    }
    for (int i = 0; i < spec.initContainersOrEmpty().size(); i++) {
      if (NativeSidecarContainers.isNativeSidecar(spec.initContainersOrEmpty().get(i))
          && SidecarSetUpdateStrategy.ROLLING_UPDATE.equals(type)) {
        errors.add(
            path + ".type",
            "must be NotUpdate: spec.initContainers["
                + i
                + "] is a native sidecar (restartPolicy: Always), which cannot be updated in"
                + " place");
      }
    }
    if (!SidecarSetUpdateStrategy.ROLLING_UPDATE.equals(type)) {
      return;
    }
    if (isNonZero(strategy.getPartition()) && strategy.getSelector() != null) {
      errors.add(path, "partition and selector cannot be used together");
    }
    if (strategy.getSelector() != null) {
      SelectorRules.validateNonEmpty(strategy.getSelector(), path + ".selector", errors);
    }
    validateIntOrPercent(strategy.getPartition(), path + ".partition", errors);
    validateIntOrPercent(strategy.getMaxUnavailable(), path + ".maxUnavailable", errors);
    validatePriority(strategy.getPriorityStrategy(), path + ".priorityStrategy", errors);
    validateScatter(strategy.getScatterStrategy(), path + ".scatterStrategy", errors);
  }

  private static void validateIntOrPercent(IntOrString value, String path, ErrorList errors) {
    if (value == null) {
      return;
    }
    if (value.getIntVal() != null) {
      if (value.getIntVal() < 0) {
        errors.add(path, "must be greater than or equal to 0: " + value.getIntVal());
      }
      return;
    }
    String text = value.getStrVal() == null ? "" : value.getStrVal();
    Matcher percent = PERCENT.matcher(text);
    if (!percent.matches()) {
      errors.add(path, "must be an integer or percentage (e.g '5%'): " + text);
    } else if (new BigInteger(percent.group(1)).compareTo(ONE_HUNDRED) > 0) {
      errors.add(path, "must not be greater than 100%: " + text);
    }
  }

  private static void validatePriority(
      UpdatePriorityStrategy priority, String path, ErrorList errors) {
    if (priority == null) {
      return;
    }
    List<UpdatePriorityWeightTerm> weights =
        priority.getWeightPriority() == null ? List.of() : priority.getWeightPriority();
    List<UpdatePriorityOrderTerm> orders =
        priority.getOrderPriority() == null ? List.of() : priority.getOrderPriority();
    if (!weights.isEmpty() && !orders.isEmpty()) {
      errors.add(path, "only one of weightPriority and orderPriority can be used");
    }
    for (int i = 0; i < weights.size(); i++) {
      UpdatePriorityWeightTerm term = weights.get(i);
      String at = ErrorList.index(path + ".weightPriority", i);
      if (term.getWeight() == null || term.getWeight() < 0 || term.getWeight() > 100) {
        errors.add(at + ".weight", "must be in the range 0-100: " + term.getWeight());
      }
      if (term.getMatchSelector() == null) {
        errors.add(at + ".matchSelector", "required");
      } else {
        SelectorRules.validateNonEmpty(term.getMatchSelector(), at + ".matchSelector", errors);
      }
    }
    for (int i = 0; i < orders.size(); i++) {
      String key = orders.get(i).getOrderedKey();
      String at = ErrorList.index(path + ".orderPriority", i) + ".orderedKey";
      if (isBlank(key)) {
        errors.add(at, "order key can not be empty");
      } else {
        KubernetesNames.qualifiedName(key).forEach(m -> errors.add(at, m));
      }
    }
  }

  private static void validateScatter(
      List<UpdateScatterTerm> scatter, String path, ErrorList errors) {
    if (scatter == null) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < scatter.size(); i++) {
      UpdateScatterTerm term = scatter.get(i);
      String at = ErrorList.index(path, i);
      if (isBlank(term.getKey())) {
        errors.add(at + ".key", "key should not be empty");
        continue;
      }
      if (isBlank(term.getValue())) {
        errors.add(at + ".value", "value should not be empty (use '*' for every value)");
      }
      if (!seen.add(term.getKey() + ":" + term.getValue())) {
        errors.add(at, "duplicated key=" + term.getKey() + " value=" + term.getValue());
      }
    }
  }

  /**
   * The SidecarSet-only fields of each sidecar: inject, share and upgrade policies, transferEnv.
   */
  private static void validateSidecarFields(SidecarSetSpec spec, ErrorList errors) {
    Set<String> names = new HashSet<>();
    spec.containersOrEmpty().forEach(c -> names.add(c.getName()));
    spec.initContainersOrEmpty().forEach(c -> names.add(c.getName()));
    for (int i = 0; i < spec.containersOrEmpty().size(); i++) {
      validateSidecarFields(
          spec.containersOrEmpty().get(i), ErrorList.index("spec.containers", i), names, errors);
    }
    for (int i = 0; i < spec.initContainersOrEmpty().size(); i++) {
      SidecarContainer init = spec.initContainersOrEmpty().get(i);
      String path = ErrorList.index("spec.initContainers", i);
      validateSidecarFields(init, path, names, errors);
      if (init.isHotUpgrade() && !NativeSidecarContainers.isNativeSidecar(init)) {
        errors.add(
            path + ".upgradeStrategy.upgradeType",
            "HotUpgrade needs a native sidecar (restartPolicy: Always): a plain init container"
                + " runs to completion");
      }
    }
  }

  private static void validateSidecarFields(
      SidecarContainer sidecar, String path, Set<String> namesInSet, ErrorList errors) {
    if (sidecar.getPodInjectPolicy() != null
        && !sidecar.getPodInjectPolicy().isEmpty()
        && !INJECT_POLICIES.contains(sidecar.getPodInjectPolicy())) {
      errors.add(
          path + ".podInjectPolicy",
          "unsupported pod inject policy "
              + sidecar.getPodInjectPolicy()
              + ", want "
              + INJECT_POLICIES);
    }
    validateSharePolicy(sidecar.getShareVolumePolicy(), path + ".shareVolumePolicy", errors);
    validateSharePolicy(
        sidecar.getShareVolumeDevicePolicy(), path + ".shareVolumeDevicePolicy", errors);
    validateUpgradeStrategy(sidecar, path, namesInSet, errors);
    validateTransferEnv(sidecar.getTransferEnv(), path + ".transferEnv", errors);
  }

  private static void validateSharePolicy(ShareVolumePolicy policy, String path, ErrorList errors) {
    if (policy != null
        && policy.getType() != null
        && !policy.getType().isEmpty()
        && !SHARE_POLICIES.contains(policy.getType())) {
      errors.add(
          path + ".type",
          "unsupported share volume policy " + policy.getType() + ", want " + SHARE_POLICIES);
    }
  }

  private static void validateUpgradeStrategy(
      SidecarContainer sidecar, String path, Set<String> namesInSet, ErrorList errors) {
    SidecarContainerUpgradeStrategy strategy = sidecar.getUpgradeStrategy();
    if (strategy == null) {
      return;
    }
    String at = path + ".upgradeStrategy";
    String type = strategy.upgradeTypeOrDefault();
    if (!UPGRADE_TYPES.contains(type)) {
      errors.add(
          at + ".upgradeType", "unsupported upgrade type " + type + ", want " + UPGRADE_TYPES);
      return;
    }
    if (!SidecarContainerUpgradeStrategy.HOT_UPGRADE.equals(type)) {
      return;
    }
    String empty = strategy.getHotUpgradeEmptyImage();
    if (isBlank(empty)) {
      errors.add(
          at + ".hotUpgradeEmptyImage",
          "required for HotUpgrade: the spare slot runs it between upgrades");
    } else if (empty.equals(sidecar.getImage())) {
      errors.add(
          at + ".hotUpgradeEmptyImage",
          "must differ from the image " + empty + ": the spare slot would run a second copy");
    }
    String name = sidecar.getName();
    if (name != null && name.length() > HOT_UPGRADE_NAME_MAX_LENGTH) {
      errors.add(
          path + ".name",
          "must be no more than "
              + HOT_UPGRADE_NAME_MAX_LENGTH
              + " characters for HotUpgrade: the slots are named "
              + HotUpgradeSlots.first(name)
              + " and "
              + HotUpgradeSlots.second(name));
    }
    if (name != null) {
      for (String slot : HotUpgradeSlots.both(name)) {
        if (namesInSet.contains(slot)) {
          errors.add(
              path + ".name",
              "hot-upgrade slot " + slot + " collides with a container of the same name");
        }
      }
    }
  }

  private static void validateTransferEnv(
      List<TransferEnvVar> transferEnv, String path, ErrorList errors) {
    if (transferEnv == null) {
      return;
    }
    for (int i = 0; i < transferEnv.size(); i++) {
      TransferEnvVar entry = transferEnv.get(i);
      String at = ErrorList.index(path, i);
      boolean byName = !isBlank(entry.getSourceContainerName());
      boolean byField =
          entry.getSourceContainerNameFrom() != null
              && entry.getSourceContainerNameFrom().getFieldRef() != null;
      if (byName && byField) {
        errors.add(at, "sourceContainerName and sourceContainerNameFrom are mutually exclusive");
      } else if (!byName && !byField) {
        errors.add(at, "one of sourceContainerName or sourceContainerNameFrom is required");
      }
      if (byField) {
        validateSourceFieldRef(
            entry.getSourceContainerNameFrom().getFieldRef(),
            at + ".sourceContainerNameFrom.fieldRef",
            errors);
      }
      boolean hasNames = entry.getEnvNames() != null && !entry.getEnvNames().isEmpty();
      if (isBlank(entry.getEnvName()) && !hasNames) {
        errors.add(at, "one of envName or envNames is required");
      }
      if (!isBlank(entry.getEnvName())) {
        KubernetesNames.envVarName(entry.getEnvName()).forEach(m -> errors.add(at + ".envName", m));
      }
      if (hasNames) {
        for (int j = 0; j < entry.getEnvNames().size(); j++) {
          String name = Objects.toString(entry.getEnvNames().get(j), "");
          String namePath = ErrorList.index(at + ".envNames", j);
          KubernetesNames.envVarName(name).forEach(m -> errors.add(namePath, m));
        }
      }
    }
  }

  private static void validateSourceFieldRef(
      ObjectFieldSelector fieldRef, String path, ErrorList errors) {
    if (fieldRef.getApiVersion() != null
        && !fieldRef.getApiVersion().isEmpty()
        && !HotUpgradeSlots.FIELD_REF_API_VERSION.equals(fieldRef.getApiVersion())) {
      errors.add(path + ".apiVersion", "unsupported pod version: " + fieldRef.getApiVersion());
    }
    String fieldPath = fieldRef.getFieldPath() == null ? "" : fieldRef.getFieldPath();
    Matcher subscripted = SUBSCRIPTED_FIELD_PATH.matcher(fieldPath);
    if (fieldPath.isEmpty()) {
      errors.add(path + ".fieldPath", "required");
    } else if (!subscripted.matches()) {
      errors.add(
          path + ".fieldPath",
          "only metadata.labels['<key>'] or metadata.annotations['<key>'] can name the source"
              + " container: "
              + fieldPath);
    } else {
      String key = subscripted.group(2);
      String checked = subscripted.group(1).endsWith("annotations") ? key.toLowerCase() : key;
      KubernetesNames.qualifiedName(checked).forEach(m -> errors.add(path + ".fieldPath", m));
    }
  }

  private static void validateImagePullSecrets(SidecarSetSpec spec, ErrorList errors) {
    List<LocalObjectReference> secrets = spec.getImagePullSecrets();
    if (secrets == null) {
      return;
    }
    for (int i = 0; i < secrets.size(); i++) {
      if (secrets.get(i) == null || isBlank(secrets.get(i).getName())) {
        errors.add(ErrorList.index("spec.imagePullSecrets", i) + ".name", "required");
      }
    }
  }

  private static void validatePatchPodMetadata(SidecarSetSpec spec, ErrorList errors) {
    List<SidecarSetPatchPodMetadata> patches = spec.getPatchPodMetadata();
    if (patches == null) {
      return;
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < patches.size(); i++) {
      SidecarSetPatchPodMetadata patch = patches.get(i);
      String at = ErrorList.index("spec.patchPodMetadata", i);
      String policy = patch.patchPolicyOrDefault();
      if (!PATCH_POLICIES.contains(policy)) {
        errors.add(
            at + ".patchPolicy", "unsupported patch policy " + policy + ", want " + PATCH_POLICIES);
      }
      if (patch.getAnnotations() == null || patch.getAnnotations().isEmpty()) {
        errors.add(at + ".annotations", "no annotations defined for patchPodMetadata");
        continue;
      }
      for (Map.Entry<String, String> entry : patch.getAnnotations().entrySet()) {
        String key = Objects.toString(entry.getKey(), "");
        String keyPath = at + ".annotations[" + key + "]";
        KubernetesNames.qualifiedName(key.toLowerCase()).forEach(m -> errors.add(keyPath, m));
        if (isReserved(key)) {
          errors.add(
              keyPath, "is written by the SidecarSet webhook and controller; it cannot be patched");
        }
        Integer first = seen.putIfAbsent(key, i);
        if (first != null) {
          errors.add(
              keyPath,
              "patch annotation "
                  + key
                  + " already exists in spec.patchPodMetadata["
                  + first
                  + "]");
        }
        if (SidecarSetPatchPodMetadata.MERGE_PATCH_JSON.equals(policy)) {
          validateJsonObject(entry.getValue(), keyPath, errors);
        }
      }
    }
  }

  private static void validateJsonObject(String value, String path, ErrorList errors) {
    try {
      if (value == null || !JSON.readTree(value).isObject()) {
        errors.add(path, "MergePatchJson needs a JSON object value");
      }
    } catch (JsonProcessingException e) {
      errors.add(path, "MergePatchJson needs a JSON object value: " + e.getOriginalMessage());
    }
  }

  private static boolean isReserved(String key) {
    return key.equals(SidecarSetAnnotations.HASH)
        || key.equals(SidecarSetAnnotations.HASH_WITHOUT_IMAGE)
        || key.equals(SidecarSetAnnotations.INJECTED_LIST)
        || key.equals(SidecarSetAnnotations.WORKING_HOTUPGRADE_CONTAINER)
        || key.equals(SidecarSetAnnotations.HOTUPGRADE_STATE)
        || key.equals(SidecarSetAnnotations.INPLACE_UPDATE_STATE)
        || key.startsWith(SidecarSetAnnotations.VERSION_PREFIX)
        || key.startsWith(SidecarSetAnnotations.VERSION_ALT_PREFIX);
  }

  /**
   * Kruise's {@code validateSidecarContainerConflict}. Init containers are free to change: they are
   * injected only into pods created afterwards.
   */
  private static void validateChange(SidecarSetSpec spec, SidecarSetSpec old, ErrorList errors) {
    validateChange(spec.containersOrEmpty(), old.containersOrEmpty(), "spec.containers", errors);
  }

  private static void validateChange(
      List<SidecarContainer> containers,
      List<SidecarContainer> oldContainers,
      String path,
      ErrorList errors) {
    Map<String, SidecarContainer> before = new HashMap<>();
    oldContainers.forEach(c -> before.put(c.getName(), c));
    for (int i = 0; i < containers.size(); i++) {
      SidecarContainer container = containers.get(i);
      String at = ErrorList.index(path, i);
      SidecarContainer previous = before.get(container.getName());
      if (previous == null) {
        errors.add(
            at + ".name",
            "container "
                + container.getName()
                + " is not found in the stored SidecarSet: containers cannot be added or renamed,"
                + " pods already injected could not get them (create a new SidecarSet instead)");
        continue;
      }
      String oldType = upgradeType(previous);
      String newType = upgradeType(container);
      if (!oldType.equals(newType)) {
        errors.add(
            at + ".upgradeStrategy.upgradeType",
            "container " + container.getName() + " upgradeType is immutable (" + oldType + ")");
      }
    }
  }

  private static String upgradeType(SidecarContainer container) {
    return container.getUpgradeStrategy() == null
        ? SidecarContainerUpgradeStrategy.COLD_UPGRADE
        : container.getUpgradeStrategy().upgradeTypeOrDefault();
  }

  private static boolean isNonZero(IntOrString value) {
    if (value == null) {
      return false;
    }
    if (value.getIntVal() != null) {
      return value.getIntVal() != 0;
    }
    return true;
  }

  static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
