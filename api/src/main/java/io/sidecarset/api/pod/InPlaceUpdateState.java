package io.sidecarset.api.pod;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What a container looked like before the controller changed its image: one entry of the pod
 * annotation {@code sidecarset.io/inplace-update-state}, a JSON map from SidecarSet name to this
 * record (Kruise's shape). A tag-only image such as {@code proxy:v2} may be reported by the kubelet
 * under another spelling; a changed {@code imageID} then proves the container was restarted on the
 * new image.
 *
 * <pre>{@code
 * {"mesh": {"revision": "9f..", "updateTimestamp": "2026-11-26T10:00:00Z",
 *           "lastContainerStatuses": {"proxy-2": {"imageID": "docker-pullable://empty@sha256:.."}}}}
 * }</pre>
 *
 * @param revision the SidecarSet hash the change moved the pod to
 * @param updateTimestamp RFC 3339 time of the change
 * @param lastContainerStatuses container name to its status just before its image was changed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record InPlaceUpdateState(
    String revision,
    String updateTimestamp,
    Map<String, LastContainerStatus> lastContainerStatuses) {

  /**
   * @param imageID the container's {@code status.imageID} before the change ("" if it had none)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record LastContainerStatus(String imageID) {}
}
