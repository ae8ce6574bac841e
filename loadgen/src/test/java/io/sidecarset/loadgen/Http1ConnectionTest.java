package io.sidecarset.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.CharsetUtil;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP/1.1 connection handler driven through an {@link EmbeddedChannel}: no sockets. */
class Http1ConnectionTest {
  private RequestLog log;
  private RunRecorder recorder;
  private Http1Connection connection;
  private EmbeddedChannel channel;

  @BeforeEach
  void connect() {
    log = new RequestLog(10);
    recorder = new RunRecorder(log);
    connection = new Http1Connection("/hello", "127.0.0.1:8080", false);
    channel = new EmbeddedChannel(new HttpClientCodec(), connection);
    connection.adopt(channel);
  }

  @AfterEach
  void release() {
    channel.finishAndReleaseAll();
  }

  private RequestAttempt send(long sequence) {
    RequestAttempt attempt =
        new RequestAttempt(sequence, TrafficKind.KEEP_ALIVE, System.nanoTime(), 0, 0, recorder);
    recorder.created();
    connection.send(attempt);
    return attempt;
  }

  private void respond(String raw) {
    channel.writeInbound(Unpooled.copiedBuffer(raw, CharsetUtil.US_ASCII));
  }

  private String sentRequest() {
    ByteBuf out = channel.readOutbound();
    try {
      return out.toString(CharsetUtil.US_ASCII);
    } finally {
      out.release();
    }
  }

  @Test
  void request_carriesHostSequenceAndKind_andNoConnectionClose() {
    send(7);
    String request = sentRequest();
    assertThat(request).startsWith("GET /hello HTTP/1.1\r\n");
    assertThat(request.toLowerCase())
        .contains("host: 127.0.0.1:8080")
        .contains("x-loadgen-sequence: 7")
        .contains("x-loadgen-kind: keepalive")
        .doesNotContain("connection: close");
  }

  @Test
  void complete2xx_isOk_andTheConnectionStaysReusable() {
    RequestAttempt attempt = send(0);
    respond("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");

    assertThat(attempt.outcome()).isEqualTo(Outcome.OK);
    assertThat(connection.reusable()).isTrue();
    assertThat(recorder.outstanding()).isZero();
  }

  @Test
  void chunkedResponse_isOkOnlyAfterTheLastChunk() {
    RequestAttempt attempt = send(0);
    respond("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n");
    assertThat(attempt.isFinished()).isFalse();

    respond("0\r\n\r\n");
    assertThat(attempt.outcome()).isEqualTo(Outcome.OK);
  }

  @Test
  void complete503_isNon2xx_andTheConnectionStaysReusable() {
    RequestAttempt attempt = send(0);
    respond("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n");

    assertThat(attempt.outcome()).isEqualTo(Outcome.NON_2XX);
    assertThat(connection.reusable()).isTrue();
    assertThat(recorder.messageSamples().get(Outcome.NON_2XX))
        .containsExactly(new MessageSample("HTTP 503", 1));
  }

  @Test
  void connectionCloseResponse_isOk_butTheConnectionIsNotReused() {
    RequestAttempt attempt = send(0);
    respond("HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok");

    assertThat(attempt.outcome()).isEqualTo(Outcome.OK);
    assertThat(connection.reusable()).isFalse();
  }

  @Test
  void closeBeforeAnyResponse_isEof() {
    RequestAttempt attempt = send(0);
    channel.close();

    assertThat(attempt.outcome()).isEqualTo(Outcome.EOF);
    assertThat(connection.reusable()).isFalse();
  }

  @Test
  void closeInTheMiddleOfTheBody_isEof() {
    RequestAttempt attempt = send(0);
    respond("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly a part");
    channel.close();

    assertThat(attempt.outcome()).isEqualTo(Outcome.EOF);
  }

  @Test
  void connectionReset_isReset() {
    RequestAttempt attempt = send(0);
    channel
        .pipeline()
        .fireExceptionCaught(
            new IOException("recvAddress(..) failed with error(-104): Connection reset by peer"));

    assertThat(attempt.outcome()).isEqualTo(Outcome.RESET);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void malformedResponse_isOther() {
    RequestAttempt attempt = send(0);
    respond("SMTP ready\r\n\r\n");

    assertThat(attempt.outcome()).isEqualTo(Outcome.OTHER);
  }

  @Test
  void aLateResponseAfterTheOutcome_changesNothing() {
    RequestAttempt attempt = send(3);
    attempt.finish(Outcome.TIMEOUT, "timed out");
    respond("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");

    assertThat(attempt.outcome()).isEqualTo(Outcome.TIMEOUT);

    assertThat(log.result(3)).isEqualTo((byte) (Outcome.TIMEOUT.ordinal() + 1));
    assertThat(recorder.ok()).isZero();
    assertThat(recorder.dropped()).isEqualTo(1);
  }

  @Test
  void twoRequestsInTurn_eachGetsItsOwnOutcome() {
    RequestAttempt first = send(0);
    respond("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
    RequestAttempt second = send(1);
    respond("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");

    assertThat(first.outcome()).isEqualTo(Outcome.OK);
    assertThat(second.outcome()).isEqualTo(Outcome.NON_2XX);
  }
}
