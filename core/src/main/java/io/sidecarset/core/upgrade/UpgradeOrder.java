package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.sidecarset.api.v1alpha1.SidecarSetUpdateStrategy;
import io.sidecarset.api.v1alpha1.UpdatePriorityOrderTerm;
import io.sidecarset.api.v1alpha1.UpdatePriorityStrategy;
import io.sidecarset.api.v1alpha1.UpdatePriorityWeightTerm;
import io.sidecarset.api.v1alpha1.UpdateScatterTerm;
import io.sidecarset.core.match.LabelSelectorMatcher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The order in which candidates are upgraded, as Kruise orders them: first the pods that matter
 * least (unscheduled, pending, not ready, recently ready, restarting, young), then by {@code
 * priorityStrategy}, then spread by {@code scatterStrategy} so that pods sharing a label value are
 * not upgraded all together.
 */
public final class UpgradeOrder {

  private UpgradeOrder() {}

  /**
   * The pods sorted for upgrade.
   *
   * @param candidates the pods to order
   * @param allMatched every matched pod (scatter balances against the whole population)
   */
  public static List<Pod> sort(
      SidecarSetUpdateStrategy strategy, List<Pod> candidates, List<Pod> allMatched) {
    List<Pod> sorted = new ArrayList<>(candidates);
    sorted.sort(ACTIVE_PODS_FIRST);
    if (strategy.getPriorityStrategy() != null) {
      sorted.sort(priority(strategy.getPriorityStrategy()));
    }
    if (strategy.getScatterStrategy() != null && !strategy.getScatterStrategy().isEmpty()) {
      sorted =
          scatter(
              expandScatterTerms(strategy.getScatterStrategy(), allMatched), sorted, allMatched);
    }
    return sorted;
  }

  /**
   * Kubernetes' ActivePods order: unassigned before assigned, Pending before Unknown before
   * Running, not ready before ready, ready for less time before more, more restarts before fewer,
   * newer before older; then by namespace/name so that the order is total.
   */
  static final Comparator<Pod> ACTIVE_PODS_FIRST =
      Comparator.<Pod>comparingInt(p -> isAssigned(p) ? 1 : 0)
          .thenComparingInt(UpgradeOrder::phaseOrdinal)
          .thenComparingInt(
              p ->
                  SidecarSetPod.readyCondition(p) != null
                          && "True".equals(SidecarSetPod.readyCondition(p).getStatus())
                      ? 1
                      : 0)
          .thenComparing(UpgradeOrder::readySince, Comparator.nullsFirst(Comparator.reverseOrder()))
          .thenComparing(Comparator.comparingInt(UpgradeOrder::maxRestarts).reversed())
          .thenComparing(UpgradeOrder::created, Comparator.nullsFirst(Comparator.reverseOrder()))
          .thenComparing(p -> Objects.toString(p.getMetadata().getNamespace(), ""))
          .thenComparing(p -> p.getMetadata().getName());

  private static boolean isAssigned(Pod p) {
    return p.getSpec() != null
        && p.getSpec().getNodeName() != null
        && !p.getSpec().getNodeName().isEmpty();
  }

  private static int phaseOrdinal(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    if ("Unknown".equals(phase)) {
      return 1;
    }
    if (SidecarSetPod.PHASE_RUNNING.equals(phase)) {
      return 2;
    }
    return 0;
  }

  private static Instant readySince(Pod p) {
    PodCondition ready = SidecarSetPod.readyCondition(p);
    if (ready == null
        || !"True".equals(ready.getStatus())
        || ready.getLastTransitionTime() == null) {
      return null;
    }
    return parse(ready.getLastTransitionTime());
  }

  private static Instant created(Pod p) {
    return parse(p.getMetadata().getCreationTimestamp());
  }

  private static int maxRestarts(Pod p) {
    if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
      return 0;
    }
    return p.getStatus().getContainerStatuses().stream()
        .map(ContainerStatus::getRestartCount)
        .filter(Objects::nonNull)
        .mapToInt(Integer::intValue)
        .max()
        .orElse(0);
  }

  private static Instant parse(String time) {
    if (time == null || time.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(time);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Weight priority: heavier pods (the sum of the weights of the terms they match) first. Order
   * priority: pods carrying an earlier key first, then a larger number at the end of the value
   * first; pods carrying none of the keys last (Kruise puts them first, which defeats the point of
   * naming keys). Stable: ties keep the ActivePods order.
   */
  static Comparator<Pod> priority(UpdatePriorityStrategy strategy) {
    List<UpdatePriorityWeightTerm> weights = strategy.getWeightPriority();
    if (weights != null && !weights.isEmpty()) {
      return Comparator.comparingLong((Pod p) -> weight(weights, p)).reversed();
    }
    List<UpdatePriorityOrderTerm> orders = strategy.getOrderPriority();
    if (orders != null && !orders.isEmpty()) {
      return Comparator.comparingInt((Pod p) -> orderLevel(orders, p))
          .thenComparing(Comparator.comparingLong((Pod p) -> orderValue(orders, p)).reversed());
    }
    return (a, b) -> 0;
  }

  private static long weight(List<UpdatePriorityWeightTerm> terms, Pod p) {
    long sum = 0;
    for (UpdatePriorityWeightTerm t : terms) {
      if (t.getMatchSelector() != null
          && t.getWeight() != null
          && LabelSelectorMatcher.matches(t.getMatchSelector(), p.getMetadata().getLabels())) {
        sum += t.getWeight();
      }
    }
    return sum;
  }

  private static int orderLevel(List<UpdatePriorityOrderTerm> terms, Pod p) {
    Map<String, String> labels = labels(p);
    for (int i = 0; i < terms.size(); i++) {
      if (labels.containsKey(terms.get(i).getOrderedKey())) {
        return i;
      }
    }
    return Integer.MAX_VALUE;
  }

  private static long orderValue(List<UpdatePriorityOrderTerm> terms, Pod p) {
    Map<String, String> labels = labels(p);
    for (UpdatePriorityOrderTerm t : terms) {
      String value = labels.get(t.getOrderedKey());
      if (value != null) {
        return integerSuffix(value);
      }
    }
    return 0;
  }

  /** The number at the end of {@code value} ({@code 10} for {@code "o-10"}), or 0. */
  static long integerSuffix(String value) {
    int start = value.length();
    while (start > 0 && Character.isDigit(value.charAt(start - 1))) {
      start--;
    }
    if (start == value.length()) {
      return 0;
    }
    try {
      return Long.parseLong(value.substring(start));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** {@code key=*} stands for one term per value of {@code key} on the matched pods. */
  static List<UpdateScatterTerm> expandScatterTerms(
      List<UpdateScatterTerm> terms, List<Pod> allMatched) {
    Map<String, UpdateScatterTerm> expanded = new LinkedHashMap<>();
    for (UpdateScatterTerm term : terms) {
      if (!"*".equals(term.getValue())) {
        expanded.putIfAbsent(term.getKey() + "=" + term.getValue(), term);
        continue;
      }
      for (Pod p : allMatched) {
        String value = labels(p).get(term.getKey());
        if (value != null) {
          expanded.putIfAbsent(
              term.getKey() + "=" + value, new UpdateScatterTerm(term.getKey(), value));
        }
      }
    }
    return new ArrayList<>(expanded.values());
  }

  /**
   * Kruise's scatter sort: for each term (the most common among the candidates first), interleave
   * the candidates that carry {@code key=value} with those that do not, in groups sized by their
   * density in the whole population, keeping the last matching candidate for the very end.
   */
  static List<Pod> scatter(
      List<UpdateScatterTerm> terms, List<Pod> candidates, List<Pod> allMatched) {
    if (terms.isEmpty() || candidates.size() <= 1) {
      return candidates;
    }
    List<Pod> order = candidates;
    for (UpdateScatterTerm term : termsByCandidateCount(terms, candidates)) {
      order = scatterByTerm(term, order, allMatched);
    }
    return order;
  }

  private static List<UpdateScatterTerm> termsByCandidateCount(
      List<UpdateScatterTerm> terms, List<Pod> candidates) {
    if (terms.size() == 1) {
      return terms;
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    Map<String, UpdateScatterTerm> byId = new LinkedHashMap<>();
    for (UpdateScatterTerm term : terms) {
      for (Pod p : candidates) {
        if (term.getValue().equals(labels(p).get(term.getKey()))) {
          String id = term.getKey() + ":" + term.getValue();
          byId.putIfAbsent(id, term);
          counts.merge(id, 1, Integer::sum);
        }
      }
    }
    List<String> ids = new ArrayList<>(byId.keySet());
    ids.sort(Comparator.comparingInt((String id) -> counts.get(id)).reversed());
    List<UpdateScatterTerm> sorted = new ArrayList<>();
    ids.forEach(id -> sorted.add(byId.get(id)));
    return sorted;
  }

  private static List<Pod> scatterByTerm(
      UpdateScatterTerm term, List<Pod> candidates, List<Pod> allMatched) {
    List<Pod> matched = new ArrayList<>();
    List<Pod> unmatched = new ArrayList<>();
    for (Pod p : candidates) {
      (term.getValue().equals(labels(p).get(term.getKey())) ? matched : unmatched).add(p);
    }
    if (matched.size() <= 1 || unmatched.size() <= 1) {
      return candidates;
    }
    int totalMatched = 0;
    int totalUnmatched = 0;
    for (Pod p : allMatched) {
      if (term.getValue().equals(labels(p).get(term.getKey()))) {
        totalMatched++;
      } else {
        totalUnmatched++;
      }
    }
    Pod lastMatched = matched.remove(matched.size() - 1);
    totalMatched--;

    ScatterGroup group =
        groupByDensity(totalMatched, totalUnmatched, matched.size(), unmatched.size());
    List<Pod> result = new ArrayList<>(candidates.size());
    if (group.unmatchedRemainder > 0) {
      result.addAll(unmatched.subList(0, group.unmatchedRemainder));
      unmatched = new ArrayList<>(unmatched.subList(group.unmatchedRemainder, unmatched.size()));
    }
    for (int i = 0; i < group.groupNum; i++) {
      matched = migrate(matched, result, group.matchedGroupSize);
      unmatched = migrate(unmatched, result, group.unmatchedGroupSize);
    }
    result.addAll(matched);
    result.addAll(unmatched);
    result.add(lastMatched);
    return result;
  }

  private static List<Pod> migrate(List<Pod> from, List<Pod> to, int size) {
    if (from.isEmpty()) {
      return from;
    }
    if (from.size() < size) {
      to.addAll(from);
      return new ArrayList<>();
    }
    to.addAll(from.subList(0, size));
    return new ArrayList<>(from.subList(size, from.size()));
  }

  private record ScatterGroup(
      int groupNum, int matchedGroupSize, int unmatchedGroupSize, int unmatchedRemainder) {}

  private static ScatterGroup newGroup(int matched, int unmatched) {
    int groupNum = Math.min(matched, unmatched);
    if (groupNum == 0) {
      return new ScatterGroup(0, Math.max(matched, 1), Math.max(unmatched, 1), 0);
    }
    return new ScatterGroup(
        groupNum,
        (int) Math.round((double) matched / groupNum),
        (int) Math.round((double) unmatched / groupNum),
        0);
  }

  private static ScatterGroup groupByDensity(
      int totalMatched, int totalUnmatched, int updateMatched, int updateUnmatched) {
    ScatterGroup total = newGroup(totalMatched, totalUnmatched);
    ScatterGroup update = newGroup(updateMatched, updateUnmatched);
    if ((float) totalUnmatched / (float) totalMatched
        >= (float) updateUnmatched / (float) updateMatched) {
      return update;
    }
    int matchedSize = Math.max(1, total.matchedGroupSize);
    int unmatchedSize = Math.max(1, total.unmatchedGroupSize);
    int groupNum = Math.min(updateMatched / matchedSize, updateUnmatched / unmatchedSize);
    return new ScatterGroup(
        groupNum, matchedSize, unmatchedSize, updateUnmatched - groupNum * unmatchedSize);
  }

  private static Map<String, String> labels(Pod p) {
    Map<String, String> l = p.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }
}
