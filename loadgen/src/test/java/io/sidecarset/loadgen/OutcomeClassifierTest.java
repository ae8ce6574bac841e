package io.sidecarset.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class OutcomeClassifierTest {

  @ParameterizedTest(name = "HTTP {0} -> {1}")
  @CsvSource({
    "200, OK",
    "201, OK",
    "204, OK",
    "299, OK",
    "300, NON_2XX",
    "304, NON_2XX",
    "404, NON_2XX",
    "429, NON_2XX",
    "502, NON_2XX",
    "503, NON_2XX",
  })
  void ofStatus(int status, Outcome expected) {
    assertThat(OutcomeClassifier.ofStatus(status)).isEqualTo(expected);
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        // messages as Netty epoll and the JDK (NIO) produce them on Linux
        Arguments.of(
            new ConnectException(
                "finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:1"),
            Outcome.CONNECT_REFUSED),
        Arguments.of(new ConnectException("Connection refused"), Outcome.CONNECT_REFUSED),
        Arguments.of(
            new ConnectTimeoutException("connection timed out after 5000 ms: /127.0.0.1:8080"),
            Outcome.TIMEOUT),
        Arguments.of(
            new IOException("recvAddress(..) failed with error(-104): Connection reset by peer"),
            Outcome.RESET),
        Arguments.of(
            new IOException(
                "writevAddresses(..) failed with error(-104): Connection reset by peer"),
            Outcome.RESET),
        Arguments.of(new SocketException("Connection reset"), Outcome.RESET),
        Arguments.of(new IOException("writeAddress(..) failed: Broken pipe"), Outcome.RESET),
        Arguments.of(new ClosedChannelException(), Outcome.EOF),
        Arguments.of(new PrematureChannelClosureException("closed early"), Outcome.EOF),
        Arguments.of(
            new EncoderException(new ConnectException("Connection refused")),
            Outcome.CONNECT_REFUSED),
        Arguments.of(new ConnectException("Cannot assign requested address"), Outcome.OTHER),
        Arguments.of(new IllegalStateException("something else"), Outcome.OTHER),
        Arguments.of(new RuntimeException((String) null), Outcome.OTHER));
  }

  static Stream<Arguments> localResourceFailures() {
    return Stream.of(
        Arguments.of(
            new ChannelException(
                "Unable to create Channel from class class io.netty.channel.epoll.EpollSocketChannel",
                new IOException("newSocketStream(..) failed: Too many open files")),
            true),
        Arguments.of(
            new ConnectException("connect(..) failed: Cannot assign requested address"), true),
        Arguments.of(new ConnectException("Connection refused"), false),
        Arguments.of(new IOException("Connection reset by peer"), false));
  }

  @ParameterizedTest(name = "{0} is local: {1}")
  @MethodSource("localResourceFailures")
  void isLocalResourceFailure(Throwable failure, boolean local) {
    assertThat(OutcomeClassifier.isLocalResourceFailure(failure)).isEqualTo(local);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("failures")
  void ofFailure(Throwable failure, Outcome expected) {
    assertThat(OutcomeClassifier.ofFailure(failure)).isEqualTo(expected);
  }
}
