package io.sidecarset.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoadArgumentsTest {

  @Test
  void theDocumentedExample() {
    LoadArguments args =
        LoadArguments.parse(
            "--target",
            "127.0.0.1:8080",
            "--rate",
            "2000",
            "--duration",
            "60s",
            "--mix",
            "keepalive=60,close=20,h2=20",
            "--connections",
            "32",
            "--h2-connections",
            "4",
            "--timeout",
            "5s",
            "--report",
            "out.json");

    LoadSpec spec = args.spec();
    assertThat(spec.host()).isEqualTo("127.0.0.1");
    assertThat(spec.port()).isEqualTo(8080);
    assertThat(spec.ratePerSecond()).isEqualTo(2000);
    assertThat(spec.duration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(spec.mix()).isEqualTo(TrafficMix.of(60, 20, 20));
    assertThat(spec.keepAliveConnections()).isEqualTo(32);
    assertThat(spec.h2Connections()).isEqualTo(4);
    assertThat(spec.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(args.report()).isEqualTo(Path.of("out.json"));
    assertThat(args.help()).isFalse();
  }

  @Test
  void equalsForm_ipv6Target_andDefaults() {
    LoadArguments args = LoadArguments.parse("--target=[::1]:9000", "--rate=10.5", "--path=/ping");

    assertThat(args.spec().host()).isEqualTo("::1");
    assertThat(args.spec().port()).isEqualTo(9000);
    assertThat(args.spec().ratePerSecond()).isEqualTo(10.5);
    assertThat(args.spec().path()).isEqualTo("/ping");
    assertThat(args.spec().duration()).isEqualTo(Duration.ofSeconds(10));
    assertThat(args.report()).isNull();
  }

  @Test
  void help_needsNothingElse() {
    assertThat(LoadArguments.parse("--help").help()).isTrue();
  }

  @ParameterizedTest(name = "{0} -> {1} ms")
  @CsvSource({"500ms, 500", "60s, 60000", "60, 60000", "2m, 120000", "1h, 3600000", "1.5s, 1500"})
  void durations(String text, long millis) {
    assertThat(LoadArguments.duration("--duration", text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest(name = "[{0}] is rejected: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--rate 10 | --target is required",
        "--target 127.0.0.1:8080 | --rate is required",
        "--target 10.1.2.3:80 --rate 10 | only targets loopback",
        "--target example.com:80 --rate 10 | only targets loopback",
        "--target 127.0.0.1 --rate 10 | --target must be HOST:PORT",
        "--target 127.0.0.1:http --rate 10 | --target must be HOST:PORT",
        "--target 127.0.0.1:8080 --rate fast | --rate must be a number",
        "--target 127.0.0.1:8080 --rate -5 | --rate must be > 0",
        "--target 127.0.0.1:8080 --rate 10 --duration 10 years | unexpected argument 'years'",
        "--target 127.0.0.1:8080 --rate 10 --duration soon | --duration must be a duration",
        "--target 127.0.0.1:8080 --rate 10 --timeout 0ms | --timeout must be at least 1ms",
        "--target 127.0.0.1:8080 --rate 10 --connections 0 | --connections must be >= 1",
        "--target 127.0.0.1:8080 --rate 10 --mix tcp=1 | unknown traffic kind 'tcp'",
        "--target 127.0.0.1:8080 --rate 10 --retries 3 | unknown option --retries",
        "--target 127.0.0.1:8080 --rate | --rate needs a value",
      })
  void badArguments(String line, String message) {
    assertThatThrownBy(() -> LoadArguments.parse(line.trim().split(" +")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
