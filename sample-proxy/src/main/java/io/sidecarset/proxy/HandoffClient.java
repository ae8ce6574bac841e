package io.sidecarset.proxy;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.FileDescriptorCast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The successor's side of {@link HandoffProtocol}: asks the serving process for its listener and
 * starts accepting on it.
 */
final class HandoffClient {

  /**
   * Fault-injection seam for the kill-mid-handoff tests: milliseconds to hold the received fd
   * before accepting on it. Unset in production.
   */
  static final String PAUSE_AFTER_FD_PROPERTY = "sidecarset.proxy.test.pause-after-fd-millis";

  private static final Logger LOG = LoggerFactory.getLogger(HandoffClient.class);

  /** O_NONBLOCK in {@code /proc/self/fdinfo} flags (octal 04000). */
  private static final int O_NONBLOCK = 04000;

  /** Starts accepting on an adopted listening fd; returns the socket's local address. */
  interface Adopter {
    InetSocketAddress serveOn(int fd) throws Exception;
  }

  /** How a takeover attempt ended. */
  sealed interface Outcome {
    /** Nobody handed anything over: bind the port yourself (there may be no predecessor). */
    record NoPredecessor(String reason) implements Outcome {}

    /** The predecessor answered but the takeover failed; it keeps serving. */
    record Failed(String reason) implements Outcome {}

    /**
     * This process accepts on the predecessor's socket.
     *
     * @param address the socket's local address
     * @param registeredMicros from receiving the fd to accepting on it
     * @param predecessorStoppedMicros from receiving the fd to the predecessor's word that it no
     *     longer accepts; -1 if that word did not come (it may still accept alongside us)
     */
    record Taken(InetSocketAddress address, long registeredMicros, long predecessorStoppedMicros)
        implements Outcome {}
  }

  private HandoffClient() {}

  /**
   * Runs the takeover against the handoff socket at {@code path}; {@code timeout} bounds each wait
   * for the predecessor.
   */
  static Outcome takeOver(Path path, Duration timeout, Adopter adopter) {
    return takeOver(path, timeout, adopter, Duration.ZERO);
  }

  /**
   * As {@link #takeOver(Path, Duration, Adopter)}, holding the received fd for {@code pauseAfterFd}
   * before accepting on it (the fault-injection seam, see {@link #PAUSE_AFTER_FD_PROPERTY}).
   */
  static Outcome takeOver(Path path, Duration timeout, Adopter adopter, Duration pauseAfterFd) {
    if (!Files.exists(path)) {
      return new Outcome.NoPredecessor("no handoff socket at " + path);
    }
    AFUNIXSocket s;
    try {
      s = AFUNIXSocket.newInstance();
      s.connect(AFUNIXSocketAddress.of(path.toFile()), (int) Math.max(1, timeout.toMillis()));
    } catch (IOException e) {
      return new Outcome.NoPredecessor("nobody listens on " + path + " (" + e.getMessage() + ")");
    }
    try (s) {
      s.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      s.setAncillaryReceiveBufferSize(HandoffProtocol.ANCILLARY_BUFFER);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      out.write(HandoffProtocol.TAKE_OVER);
      out.flush();
      int reply;
      try {
        reply = in.read();
      } catch (SocketTimeoutException e) {
        return new Outcome.NoPredecessor(
            "no reply on " + path + " within " + DurationText.format(timeout));
      }
      long received = System.nanoTime();
      FileDescriptor[] fds = s.getReceivedFileDescriptors();
      if (reply != HandoffProtocol.FD || fds == null || fds.length != 1) {
        return new Outcome.NoPredecessor(
            "unexpected reply on "
                + path
                + ": "
                + reply
                + " with "
                + (fds == null ? 0 : fds.length)
                + " fds");
      }
      // our own copy: closing the Unix socket closes the received fd (junixsocket)
      int fd = FileDescriptorCast.duplicating(fds[0]).as(Integer.class);
      if (!isNonBlocking(fd)) {
        closeQuietly(fd);
        return new Outcome.Failed(
            "the inherited listening socket is blocking; a blocked accept would stall an event loop");
      }
      pauseForTests(pauseAfterFd);
      InetSocketAddress address;
      try {
        address = adopter.serveOn(fd);
      } catch (Exception e) {
        closeQuietly(fd);
        return new Outcome.Failed("cannot accept on the inherited socket: " + e);
      }
      long registered = System.nanoTime();
      long stopped = -1;
      try {
        out.write(HandoffProtocol.ACCEPTING);
        out.flush();
        if (in.read() == HandoffProtocol.STOPPED) {
          stopped = (System.nanoTime() - received) / 1_000;
        }
      } catch (IOException e) {
        // the predecessor died or hung after we began to accept: we serve either way
      }
      return new Outcome.Taken(address, (registered - received) / 1_000, stopped);
    } catch (IOException e) {
      return new Outcome.NoPredecessor("handoff over " + path + " broke off: " + e.getMessage());
    }
  }

  private static void pauseForTests(Duration pause) {
    if (!pause.isZero()) {
      LOG.warn(
          "test seam: holding the received fd for {} ms before accepting on it", pause.toMillis());
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Reads the fd's flags from /proc (Linux, like epoll itself). */
  static boolean isNonBlocking(int fd) throws IOException {
    for (String line :
        Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd), StandardCharsets.US_ASCII)) {
      if (line.startsWith("flags:")) {
        return (Integer.parseInt(line.substring(6).trim(), 8) & O_NONBLOCK) != 0;
      }
    }
    return false;
  }

  private static void closeQuietly(int fd) {
    try {
      new io.netty.channel.unix.FileDescriptor(fd).close();
    } catch (IOException e) {
      // nothing left to do
    }
  }
}
