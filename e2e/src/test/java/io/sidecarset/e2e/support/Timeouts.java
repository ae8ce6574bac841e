package io.sidecarset.e2e.support;

import java.time.Duration;

/**
 * Every wait of the suite has an explicit bound and poll interval; they are named here so that a
 * slow machine is tuned in one place. The bounds are generous for a shared 2-core machine, and far
 * below the failsafe fork timeout.
 */
public final class Timeouts {

  /** Install: images start as JVMs on a busy machine. */
  public static final Duration PLATFORM_READY = Duration.ofMinutes(4);

  /** Uninstall: Helm deletes, the garbage collector and the kubelet follow. */
  public static final Duration PLATFORM_GONE = Duration.ofMinutes(2);

  /** A pod from creation to Ready (injected sidecars included). */
  public static final Duration POD_READY = Duration.ofMinutes(2);

  /** The SidecarSet status catching up with the pods. */
  public static final Duration STATUS = Duration.ofMinutes(1);

  /** One hot upgrade of one pod, from the SidecarSet patch to the reset of the old slot. */
  public static final Duration HOT_UPGRADE = Duration.ofSeconds(90);

  /** A cold upgrade of a few pods, one at a time. */
  public static final Duration COLD_ROLLOUT = Duration.ofMinutes(3);

  /**
   * Every container of a deleted namespace's pods stopped: their grace period is 10 s, but a 1.20
   * kubelet kills a pod deleted while it was still starting it only at its next periodic sync (1
   * min by default, 10 s in the local cluster; seen in CI: 80 s).
   */
  public static final Duration PODS_STOPPED = Duration.ofMinutes(2);

  /**
   * A deleted namespace's object gone: the kubelet removes a stopped pod's object a while later
   * (once more than 55 s, seen in CI), and the namespace controller retries a namespace with pods
   * left after an exponential back-off of up to 60 s ({@link NamespaceDeletion}).
   */
  public static final Duration NAMESPACE_GONE = Duration.ofMinutes(3);

  /** Polling a pod during an upgrade: fine enough to time each step. */
  public static final Duration FAST_POLL = Duration.ofMillis(100);

  /** Polling for a state that takes seconds. */
  public static final Duration POLL = Duration.ofMillis(500);

  private Timeouts() {}
}
