package io.sidecarset.proxy;

/** A command line the proxy cannot run with; the message says which argument and why. */
public final class UsageException extends Exception {
  public UsageException(String message) {
    super(message);
  }
}
