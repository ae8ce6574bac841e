package io.sidecarset.controller;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.ZonedDateTime;

/**
 * Hands the Lease back when a leader stops cleanly (as client-go's {@code ReleaseOnCancel} does;
 * the SDK does not), so that a standby leads within its retry period instead of waiting out the
 * whole lease: a rolling update of the controller then leaves no 15 s without a leader. The lease
 * is emptied and made to expire a second later, and only if this replica still holds it: the update
 * carries the resourceVersion read, so a standby that took over in between is never undone.
 */
final class LeaseRelease {

  private LeaseRelease() {}

  /** Returns whether this replica held the Lease and gave it back. */
  static boolean release(
      KubernetesClient client, String namespace, String name, String identity, Clock clock) {
    try {
      Lease lease = client.leases().inNamespace(namespace).withName(name).get();
      if (lease == null
          || lease.getSpec() == null
          || !identity.equals(lease.getSpec().getHolderIdentity())) {
        return false;
      }
      Lease released =
          new LeaseBuilder(lease)
              .editSpec()
              .withHolderIdentity("")
              .withLeaseDurationSeconds(1)
              .withRenewTime(ZonedDateTime.now(clock))
              .endSpec()
              .build();
      client.leases().inNamespace(namespace).resource(released).update();
      return true;
    } catch (KubernetesClientException e) {
      // a conflict (someone else wrote it) or an unreachable apiserver: the lease then expires
      return false;
    }
  }
}
