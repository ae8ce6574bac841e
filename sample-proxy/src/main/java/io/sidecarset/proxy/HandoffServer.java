package io.sidecarset.proxy;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketCredentials;
import org.newsclub.net.unix.FileDescriptorCast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving side of {@link HandoffProtocol}: waits on the handoff socket for a successor, hands
 * it the listener, and stops accepting once the successor accepts. Runs one blocking thread.
 */
final class HandoffServer implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(HandoffServer.class);

  /** What the serving process does at the two points of the handover that concern it. */
  interface Listener {
    /** The listening socket's fd, sent to the successor. */
    int listenerFd();

    /** The successor accepts: stop accepting here. Returns when this process no longer accepts. */
    void stopAccepting() throws Exception;

    /** The handover is complete (called on the handoff thread, after this server closed). */
    void handedOver();
  }

  private final Path path;
  private final Duration stepTimeout;
  private final Listener listener;
  private final boolean rehearsal;
  private AFUNIXServerSocket socket;
  private Thread thread;
  private volatile boolean closed;

  /**
   * @param rehearsal the warm-up's handover inside one process: logged at debug level only
   */
  HandoffServer(Path path, Duration stepTimeout, Listener listener, boolean rehearsal) {
    this.path = path;
    this.stepTimeout = stepTimeout;
    this.listener = listener;
    this.rehearsal = rehearsal;
  }

  private void info(String format, Object... args) {
    if (rehearsal) {
      LOG.debug(format, args);
    } else {
      LOG.info(format, args);
    }
  }

  /**
   * Binds the handoff socket (replacing a predecessor's or a stale socket file) and starts waiting
   * for a successor. junixsocket notices when the file of a bound socket disappears and closes the
   * socket, so the file is replaced by unlink + bind, not by renaming a socket bound elsewhere; the
   * short gap only matters to a successor that starts in that very instant, which then binds (and
   * retries) as if nobody served.
   */
  void start() throws IOException {
    Files.createDirectories(path.toAbsolutePath().getParent());
    Files.deleteIfExists(path);
    socket = AFUNIXServerSocket.newInstance();
    socket.setDeleteOnClose(false); // after the next handover the path belongs to the successor
    socket.bind(AFUNIXSocketAddress.of(path.toFile()));
    thread = new Thread(this::acceptLoop, "handoff-server");
    thread.setDaemon(true);
    thread.start();
    info("waiting for a successor on {}", path);
  }

  private void acceptLoop() {
    while (!closed) {
      try (AFUNIXSocket s = socket.accept()) {
        if (handle(s)) {
          close();
          listener.handedOver();
          return;
        }
      } catch (IOException | RuntimeException e) {
        if (closed || socket.isClosed()) {
          if (!closed) {
            LOG.warn(
                "handoff socket {} closed ({}): no successor can reach us", path, e.toString());
          }
          return;
        }
        LOG.warn("handoff attempt failed, still serving: {}", e.toString());
      } catch (Exception e) {
        LOG.error("handoff failed after the successor accepted", e);
        return;
      }
    }
  }

  /** One successor's attempt. True when it took over and this process stopped accepting. */
  private boolean handle(AFUNIXSocket s) throws Exception {
    AFUNIXSocketCredentials peer = s.getPeerCredentials();
    long ownUid = ownUid();
    if (peer.getUid() != ownUid && peer.getUid() != 0) {
      LOG.warn("handoff refused: peer uid {} is not ours ({})", peer.getUid(), ownUid);
      return false;
    }
    s.setSoTimeout((int) Math.max(1, stepTimeout.toMillis()));
    InputStream in = s.getInputStream();
    OutputStream out = s.getOutputStream();
    int request = readStep(in, "take-over request");
    if (request != HandoffProtocol.TAKE_OVER) {
      LOG.warn("handoff: unexpected first byte {} from pid {}", request, peer.getPid());
      return false;
    }
    info("successor pid {} asks for the listener", peer.getPid());
    s.setOutboundFileDescriptors(
        FileDescriptorCast.unsafeUsing(listener.listenerFd()).getFileDescriptor());
    out.write(HandoffProtocol.FD);
    out.flush();
    int confirm = readStep(in, "confirmation that it accepts");
    if (confirm != HandoffProtocol.ACCEPTING) {
      LOG.warn(
          "successor pid {} did not confirm ({}): still serving, waiting for the next one",
          peer.getPid(),
          confirm < 0 ? "closed" : "byte " + confirm);
      return false;
    }
    long confirmed = System.nanoTime();
    listener.stopAccepting();
    long stopped = System.nanoTime();
    info(
        "successor pid {} accepts; stopped accepting {} us after its confirmation",
        peer.getPid(),
        (stopped - confirmed) / 1_000);
    try {
      out.write(HandoffProtocol.STOPPED);
      out.flush();
    } catch (IOException e) {
      LOG.warn("could not tell the successor we stopped: {}", e.toString());
    }
    return true;
  }

  private static int readStep(InputStream in, String what) throws IOException {
    try {
      return in.read();
    } catch (SocketTimeoutException e) {
      throw new IOException("timed out waiting for the " + what, e);
    }
  }

  static long ownUid() throws IOException {
    return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
  }

  @Override
  public void close() {
    closed = true;
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException e) {
      LOG.debug("closing the handoff socket: {}", e.toString());
    }
  }
}
