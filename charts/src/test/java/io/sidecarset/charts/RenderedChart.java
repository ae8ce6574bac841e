package io.sidecarset.charts;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/** The objects of one render, with lookups by type and name. */
record RenderedChart(List<HasMetadata> objects) {

  /** Every object of a type. */
  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The object of a type with a name, if rendered. */
  <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
  }

  /** The object of a type with a name; fails the test naming what was rendered instead. */
  <T extends HasMetadata> T get(Class<T> type, String name) {
    return find(type, name)
        .orElseThrow(
            () ->
                new NoSuchElementException(
                    "no "
                        + type.getSimpleName()
                        + " named "
                        + name
                        + "; rendered: "
                        + objects.stream()
                            .map(o -> o.getKind() + "/" + o.getMetadata().getName())
                            .toList()));
  }

  /** The single object of a type. */
  <T extends HasMetadata> T only(Class<T> type) {
    List<T> found = all(type);
    if (found.size() != 1) {
      throw new IllegalStateException(
          "expected one " + type.getSimpleName() + ", rendered " + found.size());
    }
    return found.get(0);
  }
}
