package io.sidecarset.proxy;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses command-line durations: {@code 250ms}, {@code 30s}, {@code 2m}, {@code 1h}, or ISO-8601.
 */
public final class DurationText {

  private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)");

  private DurationText() {}

  /** {@code what} names the option in the error message. */
  public static Duration parse(String what, String text) throws UsageException {
    Matcher m = SIMPLE.matcher(text.trim());
    if (m.matches()) {
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw new UsageException(what + ": number too large in '" + text + "'");
      }
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    try {
      Duration d = Duration.parse(text.trim());
      if (!d.isNegative()) {
        return d;
      }
    } catch (DateTimeParseException e) {
      // fall through to the message below
    }
    throw new UsageException(
        what + ": expected a duration like 250ms, 30s, 2m, 1h or PT30S, got '" + text + "'");
  }

  /** The inverse of {@link #parse} for log lines: {@code 30s}, {@code 250ms}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
