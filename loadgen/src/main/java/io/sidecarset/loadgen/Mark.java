package io.sidecarset.loadgen;

import java.time.Duration;
import java.time.Instant;

/**
 * A labelled moment of a run, set with {@link LoadRun#mark(String)}, e.g. {@code "upgrade-1
 * start"}. Marks split the run into {@link LoadReport#segments() segments} and name the bounds of
 * {@link LoadReport#window(String, String) windows}.
 *
 * @param label free text given by the caller
 * @param at wall-clock time of the mark
 * @param offset time since the start of the run (monotonic clock)
 */
public record Mark(String label, Instant at, Duration offset) {}
