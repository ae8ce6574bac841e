package io.sidecarset.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sidecarset.api.SampleProxyContract;
import io.sidecarset.proxy.echo.EchoOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProxyOptionsTest {

  @Test
  void requiredFlagsOnlyGiveTheDefaults() throws Exception {
    ProxyOptions o =
        ProxyOptions.parse(
            List.of("--listen", "0.0.0.0:8080", "--upstream", "127.0.0.1:8081"), Map.of());
    assertThat(o.listen()).isEqualTo(new HostPort("0.0.0.0", 8080));
    assertThat(o.upstream()).isEqualTo(new HostPort("127.0.0.1", 8081));
    assertThat(o.runDir()).isEqualTo(Path.of(SampleProxyContract.RUN_DIR_DEFAULT));
    assertThat(o.handoffSocket())
        .isEqualTo(
            Path.of(SampleProxyContract.RUN_DIR_DEFAULT, SampleProxyContract.HANDOFF_SOCKET_NAME));
    assertThat(o.drainTimeout()).isEqualTo(ProxyOptions.DEFAULT_DRAIN_TIMEOUT);
    assertThat(o.handoffTimeout()).isEqualTo(ProxyOptions.DEFAULT_HANDOFF_TIMEOUT);
    assertThat(o.workers()).isEqualTo(ProxyOptions.DEFAULT_WORKERS);
    assertThat(o.transport()).as("auto: the machine decides at start").isEmpty();
    assertThat(o.warmupRequests()).isEqualTo(ProxyOptions.DEFAULT_WARMUP_REQUESTS);
    assertThat(o.warmupRate()).isEqualTo(ProxyOptions.DEFAULT_WARMUP_RATE);
    assertThat(o.version()).isEqualTo(ProxyOptions.DEFAULT_VERSION);
  }

  @Test
  void everyFlagAndTheEnvironment() throws Exception {
    ProxyOptions o =
        ProxyOptions.parse(
            List.of(
                "--listen=[::1]:9000",
                "--upstream",
                "localhost:9001",
                "--handoff-socket",
                "/tmp/x/h.sock",
                "--drain-timeout",
                "2m",
                "--handoff-timeout",
                "250ms",
                "--bind-timeout",
                "PT3S",
                "--upstream-timeout",
                "1h",
                "--workers",
                "2",
                "--transport",
                "epoll",
                "--warmup-requests",
                "0",
                "--warmup-rate",
                "250"),
            Map.of(
                SampleProxyContract.PROXY_VERSION_ENV,
                "v2",
                SampleProxyContract.RUN_DIR_ENV,
                "/run/x"));
    assertThat(o.listen()).isEqualTo(new HostPort("::1", 9000));
    assertThat(o.listen()).hasToString("[::1]:9000");
    assertThat(o.handoffSocket()).isEqualTo(Path.of("/tmp/x/h.sock"));
    assertThat(o.runDir()).isEqualTo(Path.of("/run/x"));
    assertThat(o.drainTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(o.handoffTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(o.bindTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(o.upstreamTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(o.workers()).isEqualTo(2);
    assertThat(o.transport()).contains(Transport.EPOLL);
    assertThat(o.warmupRequests()).isZero();
    assertThat(o.warmupRate()).isEqualTo(250);
    assertThat(o.version()).isEqualTo("v2");
  }

  @Test
  void handoffSocketDefaultsIntoTheRunDirectory() throws Exception {
    ProxyOptions o =
        ProxyOptions.parse(
            List.of("--listen", "127.0.0.1:1", "--upstream", "127.0.0.1:2"),
            Map.of(SampleProxyContract.RUN_DIR_ENV, "/tmp/run"));
    assertThat(o.handoffSocket())
        .isEqualTo(Path.of("/tmp/run", SampleProxyContract.HANDOFF_SOCKET_NAME));
  }

  static Stream<Arguments> badCommandLines() {
    return Stream.of(
        Arguments.of(List.of("--upstream", "127.0.0.1:1"), "proxy: --listen is required"),
        Arguments.of(List.of("--listen", "127.0.0.1:1"), "proxy: --upstream is required"),
        Arguments.of(
            List.of("--listen", "8080", "--upstream", "127.0.0.1:1"),
            "--listen: expected HOST:PORT, got '8080'"),
        Arguments.of(
            List.of("--listen", "h:99999", "--upstream", "127.0.0.1:1"),
            "--listen: port must be 0-65535"),
        Arguments.of(
            List.of("--listen", "h:http", "--upstream", "127.0.0.1:1"),
            "--listen: port is not a number"),
        Arguments.of(
            List.of("--listen", "::1:80", "--upstream", "127.0.0.1:1"),
            "--listen: write an IPv6 host in brackets"),
        Arguments.of(
            List.of("--listen", "h:1", "--upstream", "h:2", "--drain-timeout", "soon"),
            "--drain-timeout: expected a duration like 250ms"),
        Arguments.of(
            List.of("--listen", "h:1", "--upstream", "h:2", "--workers", "0"),
            "proxy: --workers must be an integer >= 1, got '0'"),
        Arguments.of(
            List.of("--listen", "h:1", "--upstream", "h:2", "--warmup-rate", "-5"),
            "proxy: --warmup-rate must be an integer >= 0, got '-5'"),
        Arguments.of(
            List.of("--listen", "h:1", "--upstream", "h:2", "--transport", "nio"),
            "--transport: 'nio' is not one of auto, io_uring, epoll"),
        Arguments.of(
            List.of("--listen", "h:1", "--upstream", "h:2", "--drain-timout", "1s"),
            "proxy: unknown option --drain-timout (known: --bind-timeout, --drain-timeout"),
        Arguments.of(
            List.of("--listen", "h:1", "--listen", "h:2", "--upstream", "h:3"),
            "proxy: --listen given twice"),
        Arguments.of(List.of("--listen"), "proxy: --listen needs a value"),
        Arguments.of(List.of("--listen", "--upstream", "h:1"), "proxy: --listen needs a value"),
        Arguments.of(List.of("listen", "h:1"), "proxy: unexpected argument 'listen'"),
        Arguments.of(
            List.of("--listen", "h:1", "--upstream", "h:2", "--handoff-socket", deep(110) + "/h"),
            "proxy: --handoff-socket: " + deep(110) + "/h is 112 bytes; a Unix domain socket path"),
        Arguments.of(
            List.of("--listen", "h:1", "--upstream", "h:2", "--handoff-socket", deep(103) + "/h"),
            "proxy: --handoff-socket (its warm-up sibling): " + deep(103) + "/warm-"));
  }

  /** An absolute directory path of {@code length} characters. */
  private static String deep(int length) {
    return "/" + "d".repeat(length - 1);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("badCommandLines")
  void rejectsWithAMessageNamingTheArgument(List<String> args, String message) {
    assertThatThrownBy(() -> ProxyOptions.parse(args, Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void echoNeedsOnlyListen() throws Exception {
    EchoOptions o = EchoOptions.parse(List.of("--listen", "127.0.0.1:8081"));
    assertThat(o.listen()).isEqualTo(new HostPort("127.0.0.1", 8081));
    assertThat(o.workers()).isEqualTo(1);
    assertThat(o.transport()).isEmpty();
    assertThat(EchoOptions.parse(List.of("--listen", "h:1", "--transport", "IO_URING")).transport())
        .contains(Transport.IO_URING);
    assertThatThrownBy(() -> EchoOptions.parse(List.of())).hasMessage("echo: --listen is required");
    assertThatThrownBy(() -> EchoOptions.parse(List.of("--listen", "x:1", "--upstream", "y:2")))
        .hasMessageStartingWith("echo: unknown option --upstream");
  }
}
