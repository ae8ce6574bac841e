package io.sidecarset.api.pod;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Where one hot-upgrade sidecar of a pod stands: the value of one entry of the pod annotation
 * {@code sidecarset.io/hotupgrade-state}, a JSON map from sidecar name (e.g. {@code proxy}) to this
 * record. The controller writes it in the same patch as each step, so a restarted controller reads
 * where every pod stands from the pod itself and never repeats a step.
 *
 * <pre>{@code
 * {"proxy": {"phase": "Upgrading", "sidecarSet": "mesh", "fromSlot": "proxy-1", "toSlot": "proxy-2",
 *            "fromImage": "proxy:v1", "toImage": "proxy:v2", "targetHash": "9f..", "previousHash": "3c..",
 *            "previousVersions": {"version.sidecarset.io/proxy-1": "1", ...}, "generation": 4,
 *            "startedAt": "2026-11-26T10:00:00Z"}}
 * }</pre>
 *
 * @param phase {@link #UPGRADING}, {@link #COMPLETED} or {@link #ROLLED_BACK}
 * @param sidecarSet the SidecarSet that owns the sidecar
 * @param fromSlot the slot that served before the upgrade (working before)
 * @param toSlot the slot that was upgraded and serves after it (working after)
 * @param fromImage the image {@code fromSlot} runs
 * @param toImage the image {@code toSlot} was given
 * @param targetHash the SidecarSet hash the upgrade moves the pod to
 * @param previousHash the pod's hash for the set before the upgrade, restored by a rollback
 * @param previousVersions the four version annotations of both slots before the upgrade, restored
 *     by a rollback
 * @param generation the SidecarSet generation when the upgrade started
 * @param rolledBackGeneration the SidecarSet generation at the rollback; the rollout stays paused
 *     while the set is at this generation and still targets {@code targetHash}
 * @param startedAt RFC 3339 time of the upgrade patch
 * @param migratedAt RFC 3339 time the controller saw the pod ready with the new slot ready
 * @param completedAt RFC 3339 time of the reset patch (old slot back on the empty image)
 * @param rolledBackAt RFC 3339 time of the rollback patch
 * @param message why the pod was rolled back, for people
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record HotUpgradeProgress(
    String phase,
    String sidecarSet,
    String fromSlot,
    String toSlot,
    String fromImage,
    String toImage,
    String targetHash,
    String previousHash,
    Map<String, String> previousVersions,
    Long generation,
    Long rolledBackGeneration,
    String startedAt,
    String migratedAt,
    String completedAt,
    String rolledBackAt,
    String message) {

  /** The new slot runs the new image; waiting for it to take over and the pod to be ready. */
  public static final String UPGRADING = "Upgrading";

  /** The new slot serves and the old slot is back on the empty image. */
  public static final String COMPLETED = "Completed";

  /** The upgrade did not finish in time: the new slot is back on the empty image. */
  public static final String ROLLED_BACK = "RolledBack";

  public boolean isUpgrading() {
    return UPGRADING.equals(phase);
  }

  public boolean isRolledBack() {
    return ROLLED_BACK.equals(phase);
  }
}
