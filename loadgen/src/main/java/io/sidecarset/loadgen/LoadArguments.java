package io.sidecarset.loadgen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of {@link LoadGeneratorMain}, parsed and validated. Pure: no I/O, every
 * rejection is an {@link IllegalArgumentException} whose message names the option and what was
 * wrong.
 *
 * @param spec the load to send
 * @param report where to write the JSON report, or null for none
 * @param help true when {@code --help} was given (nothing else is then required)
 */
record LoadArguments(LoadSpec spec, Path report, boolean help) {

  static final String USAGE =
      """
      usage: java -jar loadgen.jar --target HOST:PORT --rate N [options]

        --target HOST:PORT     loopback target: 127.0.0.1:8080, [::1]:8080 or localhost:8080 (required)
        --rate N               requests per second, open loop (required)
        --duration D           how long to schedule requests: 500ms, 60s, 2m, 1h (default 10s)
        --mix K=W,...          weights of keepalive, close and h2 traffic (default keepalive=60,close=20,h2=20)
        --connections N        HTTP/1.1 keep-alive pool size (default 32)
        --h2-connections N     h2c connections the streams are spread over (default 4)
        --timeout D            per-request timeout from the intended send time (default 5s)
        --path P               request path (default /)
        --io-threads N         event-loop threads (default min(2, cores))
        --report FILE          write the JSON report to FILE
        --help                 print this help

      Prints a progress line every second and a summary at the end. Never retries a request.
      Exit code: 0 zero dropped, 1 some requests dropped, 2 bad arguments,
                 3 inconclusive (the generator itself could not send some requests in time).
      """;

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");
  private static final Pattern TARGET =
      Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[^:\\[\\]]+):(\\d+)");

  /**
   * Parses {@code --name value} and {@code --name=value} options.
   *
   * @throws IllegalArgumentException on an unknown option, a missing or malformed value, or a spec
   *     that does not validate (e.g. a non-loopback target)
   */
  static LoadArguments parse(String... args) {
    LoadSpec.Builder builder = LoadSpec.builder();
    Path report = null;
    boolean targetGiven = false;
    boolean rateGiven = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return new LoadArguments(null, null, true);
      }
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String name = arg;
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        value = args[++i];
      }
      switch (name) {
        case "--target" -> {
          Matcher m = TARGET.matcher(value.trim());
          if (!m.matches()) {
            throw new IllegalArgumentException(
                "--target must be HOST:PORT such as 127.0.0.1:8080, got '" + value + "'");
          }
          String host = m.group(1);
          if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
          }
          builder.target(host, positiveInt("--target port", m.group(2)));
          targetGiven = true;
        }
        case "--rate" -> {
          builder.ratePerSecond(positiveDouble("--rate", value));
          rateGiven = true;
        }
        case "--duration" -> builder.duration(duration("--duration", value));
        case "--mix" -> builder.mix(TrafficMix.parse(value));
        case "--connections" -> builder.keepAliveConnections(positiveInt("--connections", value));
        case "--h2-connections" -> builder.h2Connections(positiveInt("--h2-connections", value));
        case "--timeout" -> builder.requestTimeout(duration("--timeout", value));
        case "--path" -> builder.path(value);
        case "--io-threads" -> builder.ioThreads(positiveInt("--io-threads", value));
        case "--report" -> report = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    if (!targetGiven) {
      throw new IllegalArgumentException("--target is required");
    }
    if (!rateGiven) {
      throw new IllegalArgumentException("--rate is required");
    }
    return new LoadArguments(builder.build(), report, false);
  }

  /** Parses {@code 500ms}, {@code 60s}, {@code 2m}, {@code 1h}, or a bare number of seconds. */
  static Duration duration(String option, String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          option + " must be a duration such as 500ms, 60s, 2m or 1h, got '" + text + "'");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double nanos =
        amount
            * switch (unit) {
              case "ms" -> 1e6;
              case "m" -> 60e9;
              case "h" -> 3600e9;
              default -> 1e9;
            };
    if (nanos < 1e6) {
      throw new IllegalArgumentException(option + " must be at least 1ms, got '" + text + "'");
    }
    return Duration.ofNanos((long) nanos);
  }

  private static int positiveInt(String option, String text) {
    try {
      int value = Integer.parseInt(text.trim());
      if (value < 1) {
        throw new IllegalArgumentException(option + " must be >= 1, got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be an integer, got '" + text + "'", e);
    }
  }

  private static double positiveDouble(String option, String text) {
    try {
      double value = Double.parseDouble(text.trim());
      if (!(value > 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException(option + " must be > 0, got " + text);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a number, got '" + text + "'", e);
    }
  }
}
