package io.sidecarset.webhook.tls;

/**
 * What the webhook keeps in its Secret when it manages its own TLS: a CA and a serving certificate
 * signed by it.
 */
public record ManagedCertificates(CertificateAuthority authority, ServingCertificate serving) {}
