package io.sidecarset.core.upgrade;

/**
 * A Kubernetes Event to emit once its action has been applied.
 *
 * @param reason one of {@link io.sidecarset.api.SidecarSetEvents}
 * @param type {@link io.sidecarset.api.SidecarSetEvents#TYPE_NORMAL} or {@code TYPE_WARNING}
 * @param message for people
 */
public record PodEvent(String reason, String type, String message) {}
