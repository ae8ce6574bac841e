package io.sidecarset.core.pod;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a pod records, per SidecarSet, in {@code sidecarset.io/hash} and {@code
 * sidecarset.io/hash-without-image}: the hash it was injected or last upgraded with, and which
 * sidecars that set put into it. The shape is Kruise's.
 *
 * @param hash the set's hash (or hash without image) at injection or last upgrade
 * @param sidecarSetName the set's name
 * @param sidecarList the names of the containers the set defines (not the hot-upgrade slots)
 * @param updateTimestamp RFC 3339 time of the injection or last upgrade
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PodSidecarSetHash(
    String hash, String sidecarSetName, List<String> sidecarList, String updateTimestamp) {}
