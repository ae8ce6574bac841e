package io.sidecarset.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1), removed before a message
 * crosses the proxy; plus Netty's internal {@code x-http2-*} headers of converted h2 streams.
 */
final class HopByHopHeaders {

  private static final List<AsciiString> NAMES =
      List.of(
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.KEEP_ALIVE,
          HttpHeaderNames.PROXY_CONNECTION,
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER,
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.UPGRADE,
          HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text(),
          HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(),
          HttpConversionUtil.ExtensionHeaderNames.PATH.text(),
          HttpConversionUtil.ExtensionHeaderNames.STREAM_DEPENDENCY_ID.text(),
          HttpConversionUtil.ExtensionHeaderNames.STREAM_WEIGHT.text(),
          HttpConversionUtil.ExtensionHeaderNames.STREAM_PROMISE_ID.text());

  private HopByHopHeaders() {}

  static void strip(HttpHeaders headers) {
    String connection = headers.get(HttpHeaderNames.CONNECTION);
    if (connection != null && connection.indexOf(',') < 0) {
      // a single token (close / keep-alive / a header name): the usual case, no split needed
      if (!isStandardToken(connection)) {
        headers.remove(connection.trim());
      }
    } else if (connection != null) {
      for (String token : connection.split(",")) {
        headers.remove(token.trim());
      }
    }
    for (int i = 0; i < NAMES.size(); i++) {
      headers.remove(NAMES.get(i));
    }
  }

  private static boolean isStandardToken(String t) {
    return "close".equalsIgnoreCase(t) || "keep-alive".equalsIgnoreCase(t);
  }
}
