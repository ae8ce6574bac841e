package io.sidecarset.webhook.admission;

import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;

/**
 * Decides one admission request. Implementations read only in-memory state (informer caches) and
 * must not block: they run on the server's event loop. They have no side effects beyond metrics, so
 * dry-run requests ({@code request.dryRun=true}) are decided exactly like real ones.
 */
public interface AdmissionHandler {

  /**
   * The response for {@code request}, with {@code uid} echoed.
   *
   * @throws BadAdmissionRequestException when the request is for a kind or resource this handler
   *     does not serve, or its object cannot be read as that kind
   */
  AdmissionResponse handle(AdmissionRequest request) throws BadAdmissionRequestException;
}
