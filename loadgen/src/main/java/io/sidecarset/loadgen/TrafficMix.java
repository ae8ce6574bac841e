package io.sidecarset.loadgen;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Relative weights of the three {@link TrafficKind}s. {@code TrafficMix.of(60, 20, 20)} sends 60%
 * of requests over keep-alive connections, 20% over new connections and 20% as h2c streams. Weights
 * are relative, not percentages: {@code of(3, 1, 1)} is the same mix.
 *
 * <p>The mix is applied deterministically by {@link #kindOf(long)}, interleaving the kinds evenly
 * (smooth weighted round-robin) so that every short window of the run carries every kind.
 *
 * @param keepAlive weight of {@link TrafficKind#KEEP_ALIVE}, {@code >= 0}
 * @param connectionClose weight of {@link TrafficKind#CONNECTION_CLOSE}, {@code >= 0}
 * @param h2c weight of {@link TrafficKind#H2C}, {@code >= 0}
 */
public record TrafficMix(int keepAlive, int connectionClose, int h2c) {

  /** The largest accepted sum of weights; it bounds the length of the interleaving cycle. */
  public static final int MAX_TOTAL_WEIGHT = 100_000;

  public TrafficMix {
    if (keepAlive < 0 || connectionClose < 0 || h2c < 0) {
      throw new IllegalArgumentException(
          "traffic mix weights must be >= 0, got " + describe(keepAlive, connectionClose, h2c));
    }
    long total = (long) keepAlive + connectionClose + h2c;
    if (total == 0) {
      throw new IllegalArgumentException("traffic mix needs at least one weight > 0");
    }
    if (total > MAX_TOTAL_WEIGHT) {
      throw new IllegalArgumentException(
          "traffic mix weights must sum to at most " + MAX_TOTAL_WEIGHT + ", got " + total);
    }
  }

  /** Shorthand for the canonical constructor: weights of keep-alive, connection-close, h2c. */
  public static TrafficMix of(int keepAlive, int connectionClose, int h2c) {
    return new TrafficMix(keepAlive, connectionClose, h2c);
  }

  /** All traffic of one kind. */
  public static TrafficMix only(TrafficKind kind) {
    return switch (kind) {
      case KEEP_ALIVE -> of(1, 0, 0);
      case CONNECTION_CLOSE -> of(0, 1, 0);
      case H2C -> of(0, 0, 1);
    };
  }

  /**
   * Parses {@code keepalive=60,close=20,h2=20}. Kinds left out get weight 0; a kind named twice is
   * an error.
   *
   * @throws IllegalArgumentException with a message that names the bad part
   */
  public static TrafficMix parse(String text) {
    Map<TrafficKind, Integer> weights = new EnumMap<>(TrafficKind.class);
    for (String part : text.split(",")) {
      String trimmed = part.trim();
      int eq = trimmed.indexOf('=');
      if (eq <= 0 || eq == trimmed.length() - 1) {
        throw new IllegalArgumentException(
            "bad mix entry '"
                + trimmed
                + "', expected kind=weight as in keepalive=60,close=20,h2=20");
      }
      TrafficKind kind = TrafficKind.ofLabel(trimmed.substring(0, eq));
      int weight;
      try {
        weight = Integer.parseInt(trimmed.substring(eq + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "bad weight in mix entry '" + trimmed + "': not an integer", e);
      }
      if (weights.put(kind, weight) != null) {
        throw new IllegalArgumentException(
            "traffic kind '" + kind.label() + "' given twice in mix");
      }
    }
    return of(
        weights.getOrDefault(TrafficKind.KEEP_ALIVE, 0),
        weights.getOrDefault(TrafficKind.CONNECTION_CLOSE, 0),
        weights.getOrDefault(TrafficKind.H2C, 0));
  }

  /** The weight of one kind. */
  public int weight(TrafficKind kind) {
    return switch (kind) {
      case KEEP_ALIVE -> keepAlive;
      case CONNECTION_CLOSE -> connectionClose;
      case H2C -> h2c;
    };
  }

  /** Sum of the weights. */
  public int totalWeight() {
    return keepAlive + connectionClose + h2c;
  }

  /** The share of requests of one kind, in [0, 1]. */
  public double share(TrafficKind kind) {
    return (double) weight(kind) / totalWeight();
  }

  /**
   * The kind of the request with the given sequence number (0-based). Pure: the same sequence
   * number always gets the same kind, and every {@code totalWeight()/gcd} consecutive requests
   * carry exactly the weighted counts.
   */
  public TrafficKind kindOf(long sequence) {
    return kindOf(Cycles.of(this), sequence);
  }

  /** The interleaving cycle, for hot loops that call {@link #kindOf(TrafficKind[], long)}. */
  TrafficKind[] cycle() {
    return Cycles.of(this).clone();
  }

  /** {@link #kindOf(long)} with the cycle looked up once by the caller. */
  static TrafficKind kindOf(TrafficKind[] cycle, long sequence) {
    return cycle[(int) (sequence % cycle.length)];
  }

  /** {@code keepalive=60,close=20,h2=20}, the form {@link #parse(String)} reads. */
  @Override
  public String toString() {
    return describe(keepAlive, connectionClose, h2c);
  }

  private static String describe(int keepAlive, int connectionClose, int h2c) {
    return "keepalive=" + keepAlive + ",close=" + connectionClose + ",h2=" + h2c;
  }

  /** Interleaving cycles, computed once per distinct mix (records have value equality). */
  private static final class Cycles {
    private static final Map<TrafficMix, TrafficKind[]> CACHE = new ConcurrentHashMap<>();

    static TrafficKind[] of(TrafficMix mix) {
      return CACHE.computeIfAbsent(mix, Cycles::build);
    }

    /** Smooth weighted round-robin over weights reduced by their gcd. */
    private static TrafficKind[] build(TrafficMix mix) {
      TrafficKind[] kinds = TrafficKind.values();
      int gcd = 0;
      for (TrafficKind kind : kinds) {
        gcd = gcd(gcd, mix.weight(kind));
      }
      int[] weights = new int[kinds.length];
      int total = 0;
      for (int k = 0; k < kinds.length; k++) {
        weights[k] = mix.weight(kinds[k]) / gcd;
        total += weights[k];
      }
      int[] current = new int[kinds.length];
      List<TrafficKind> cycle = new ArrayList<>(total);
      for (int n = 0; n < total; n++) {
        int best = -1;
        for (int k = 0; k < kinds.length; k++) {
          current[k] += weights[k];
          if (weights[k] > 0 && (best < 0 || current[k] > current[best])) {
            best = k;
          }
        }
        current[best] -= total;
        cycle.add(kinds[best]);
      }
      return cycle.toArray(TrafficKind[]::new);
    }

    private static int gcd(int a, int b) {
      return b == 0 ? a : gcd(b, a % b);
    }
  }
}
