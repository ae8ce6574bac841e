package io.sidecarset.proxy;

/** What a starting proxy process does with the listening socket. */
public enum HandoffRole {
  /** Nobody else serves: bind the listening port. */
  BIND,
  /** The new side of a hot upgrade: take the listener over from the serving process. */
  TAKE_OVER,
  /** An empty slot, or an old side restarted mid-upgrade: touch nothing, wait for SIGTERM. */
  IDLE
}
