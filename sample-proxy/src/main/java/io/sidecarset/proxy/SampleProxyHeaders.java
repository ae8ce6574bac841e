package io.sidecarset.proxy;

import io.netty.util.AsciiString;
import io.sidecarset.api.SampleProxyContract;

/** Header names of the contract as Netty {@link AsciiString}s (hashed once, compared fast). */
final class SampleProxyHeaders {

  static final AsciiString VERSION = AsciiString.cached(SampleProxyContract.VERSION_HEADER);

  private SampleProxyHeaders() {}
}
