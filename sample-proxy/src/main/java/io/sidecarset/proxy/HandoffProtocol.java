package io.sidecarset.proxy;

/**
 * The listening-socket handover between the serving process (S) and its successor (N), over the
 * Unix domain socket at {@code --handoff-socket}. One byte per step:
 *
 * <pre>
 *   N: connect, fully initialised (event loops, upstream connections, JIT warm-up)
 *   N → S  'T'  take over, please
 *   S → N  'F'  + the listening socket's fd (SCM_RIGHTS); S still accepts
 *   N: dup the fd, check O_NONBLOCK, register it with epoll: N accepts now
 *   N → S  'A'  I accept
 *   S: deregister the listener (EPOLL_CTL_DEL; the socket stays open): S no longer accepts
 *   S → N  'S'  stopped; S drains its connections, closes its copy of the socket, then idles
 *   N: binds the handoff socket path for the next upgrade (rename over S's)
 * </pre>
 *
 * Until S reads 'A', it keeps accepting: a successor that dies or hangs earlier changes nothing (S
 * goes back to waiting for the next successor). The only window with two acceptors is between N's
 * registration and S's deregistration; a connection accepted by either side is served by it. The
 * accept queue belongs to the one shared socket, so no connection attempt is refused at any point.
 */
final class HandoffProtocol {

  static final int TAKE_OVER = 'T';
  static final int FD = 'F';
  static final int ACCEPTING = 'A';
  static final int STOPPED = 'S';

  /** Ancillary buffer for one fd (must be set before the read, or the fd is silently dropped). */
  static final int ANCILLARY_BUFFER = 1024;

  private HandoffProtocol() {}
}
