package io.sidecarset.webhook.tls;

/**
 * What to do with the certificates in the Secret, and why (the reason is logged).
 *
 * @param action the step to take
 * @param reason a sentence for the log
 */
public record RenewalDecision(Action action, String reason) {

  /** The steps, from least to most disruptive. */
  public enum Action {
    /** The certificates are fine. */
    KEEP,
    /** Issue a new serving certificate from the existing CA; the CA bundle does not change. */
    REISSUE_SERVING,
    /**
     * Make a new CA and a serving certificate from it; the bundle carries old and new CA until the
     * old one expires.
     */
    ROTATE_CA,
    /** There is nothing usable: make a CA and a serving certificate. */
    CREATE
  }

  static RenewalDecision keep() {
    return new RenewalDecision(Action.KEEP, "certificates are valid");
  }
}
