package io.sidecarset.core.validate;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The values an enum-like field accepts, sorted so error messages read the same every run. */
final class AllowedValues {

  private AllowedValues() {}

  static Set<String> of(String... values) {
    return Collections.unmodifiableSortedSet(new TreeSet<>(List.of(values)));
  }
}
