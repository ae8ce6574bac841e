package io.sidecarset.webhook.admission;

/**
 * The request cannot be decided at all: its body is not an AdmissionReview, or it asks about a kind
 * the endpoint does not handle. Answered with the HTTP status it carries, not with an
 * AdmissionReview, because there is no well-formed request to answer.
 */
public final class BadAdmissionRequestException extends Exception {

  private final int httpStatus;

  public BadAdmissionRequestException(int httpStatus, String reason) {
    super(reason);
    this.httpStatus = httpStatus;
  }

  public BadAdmissionRequestException(int httpStatus, String reason, Throwable cause) {
    super(reason, cause);
    this.httpStatus = httpStatus;
  }

  /** A 4xx status code. */
  public int httpStatus() {
    return httpStatus;
  }
}
