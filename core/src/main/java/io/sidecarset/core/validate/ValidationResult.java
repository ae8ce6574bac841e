package io.sidecarset.core.validate;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Every rule a SidecarSet breaks, all at once, in the order the fields appear.
 *
 * @param errors empty when the set is valid
 */
public record ValidationResult(List<FieldError> errors) {

  public ValidationResult {
    errors = List.copyOf(errors);
  }

  public boolean isValid() {
    return errors.isEmpty();
  }

  /** One line per error, {@code field: message}, for an admission response; empty when valid. */
  public String message() {
    return errors.stream().map(FieldError::toString).collect(Collectors.joining("; "));
  }

  /** The fields with errors, in order (handy in tests and logs). */
  public List<String> fields() {
    return errors.stream().map(FieldError::field).toList();
  }
}
