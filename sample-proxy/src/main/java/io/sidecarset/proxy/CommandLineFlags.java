package io.sidecarset.proxy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --name value} / {@code --name=value} flags of one sub-command, checked against the flags
 * it knows, so that a typo fails at start-up with a message instead of being ignored.
 */
public final class CommandLineFlags {

  private final String command;
  private final Map<String, String> values;

  private CommandLineFlags(String command, Map<String, String> values) {
    this.command = command;
    this.values = values;
  }

  public static CommandLineFlags parse(String command, List<String> args, Set<String> known)
      throws UsageException {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new UsageException(command + ": unexpected argument '" + arg + "'");
      }
      String name;
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(2, eq);
        value = arg.substring(eq + 1);
      } else {
        name = arg.substring(2);
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
          throw new UsageException(command + ": --" + name + " needs a value");
        }
        value = args.get(++i);
      }
      if (!known.contains(name)) {
        throw new UsageException(
            command
                + ": unknown option --"
                + name
                + " (known: --"
                + String.join(", --", new java.util.TreeSet<>(known))
                + ")");
      }
      if (values.put(name, value) != null) {
        throw new UsageException(command + ": --" + name + " given twice");
      }
    }
    return new CommandLineFlags(command, values);
  }

  public String required(String name) throws UsageException {
    String v = values.get(name);
    if (v == null) {
      throw new UsageException(command + ": --" + name + " is required");
    }
    return v;
  }

  public Optional<String> optional(String name) {
    return Optional.ofNullable(values.get(name));
  }

  public int positiveInt(String name, int defaultValue, int min) throws UsageException {
    String v = values.get(name);
    if (v == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // message below
    }
    throw new UsageException(
        command + ": --" + name + " must be an integer >= " + min + ", got '" + v + "'");
  }
}
