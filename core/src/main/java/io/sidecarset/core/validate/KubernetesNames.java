package io.sidecarset.core.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Kubernetes' name syntaxes (apimachinery {@code validation.go}), each returning the broken rules
 * in words, empty when the value is fine.
 */
final class KubernetesNames {

  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern QUALIFIED_NAME_PART =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final Pattern ENV_VAR_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
  private static final Pattern IANA_SVC_NAME = Pattern.compile("[-a-z0-9]+");
  private static final Pattern HAS_LETTER = Pattern.compile(".*[a-z].*");

  static final int DNS1123_LABEL_MAX = 63;
  static final int DNS1123_SUBDOMAIN_MAX = 253;

  private KubernetesNames() {}

  static List<String> dns1123Label(String value) {
    List<String> errors = new ArrayList<>();
    if (value.length() > DNS1123_LABEL_MAX) {
      errors.add("must be no more than " + DNS1123_LABEL_MAX + " characters");
    }
    if (!DNS1123_LABEL.matcher(value).matches()) {
      errors.add(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-',"
              + " and must start and end with an alphanumeric character");
    }
    return errors;
  }

  static List<String> qualifiedName(String value) {
    List<String> errors = new ArrayList<>();
    String name = value;
    int slash = value.indexOf('/');
    if (slash >= 0) {
      String prefix = value.substring(0, slash);
      name = value.substring(slash + 1);
      if (prefix.isEmpty()) {
        errors.add("prefix part must be non-empty");
      } else if (prefix.length() > DNS1123_SUBDOMAIN_MAX
          || !DNS1123_SUBDOMAIN.matcher(prefix).matches()) {
        errors.add("prefix part must be a lowercase RFC 1123 subdomain");
      }
      if (name.indexOf('/') >= 0) {
        errors.add("a qualified name has at most one '/'");
        return errors;
      }
    }
    if (name.isEmpty()) {
      errors.add("name part must be non-empty");
    } else if (name.length() > 63) {
      errors.add("name part must be no more than 63 characters");
    } else if (!QUALIFIED_NAME_PART.matcher(name).matches()) {
      errors.add(
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and"
              + " end with an alphanumeric character");
    }
    return errors;
  }

  static List<String> labelValue(String value) {
    List<String> errors = new ArrayList<>();
    if (value.length() > 63) {
      errors.add("must be no more than 63 characters");
    }
    if (!LABEL_VALUE.matcher(value).matches()) {
      errors.add(
          "a valid label value must be empty or consist of alphanumeric characters, '-', '_' or"
              + " '.', and must start and end with an alphanumeric character");
    }
    return errors;
  }

  static List<String> envVarName(String value) {
    List<String> errors = new ArrayList<>();
    if (!ENV_VAR_NAME.matcher(value).matches()) {
      errors.add(
          "a valid environment variable name must consist of alphabetic characters, digits, '_',"
              + " '-', or '.', and must not start with a digit");
    }
    if (".".equals(value) || "..".equals(value) || value.startsWith("..")) {
      errors.add("must not be '.' or '..' nor start with '..'");
    }
    return errors;
  }

  static List<String> portName(String value) {
    List<String> errors = new ArrayList<>();
    if (value.length() > 15) {
      errors.add("must be no more than 15 characters");
    }
    if (!IANA_SVC_NAME.matcher(value).matches()) {
      errors.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if (value.contains("--")) {
      errors.add("must not contain consecutive hyphens");
    }
    if (!HAS_LETTER.matcher(value).matches()) {
      errors.add("must contain at least one letter (a-z)");
    }
    if (value.startsWith("-") || value.endsWith("-")) {
      errors.add("must not begin or end with a hyphen");
    }
    return errors;
  }
}
