package io.sidecarset.webhook;

import java.util.Optional;

/** Whether the webhook can decide admissions correctly yet, and if not, why. */
@FunctionalInterface
public interface Readiness {

  /** Empty when ready; otherwise what is still missing (e.g. caches not synced). */
  Optional<String> notReadyReason();
}
