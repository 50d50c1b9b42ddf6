package io.onder.ingest;

/**
 * A request the gateway refuses, with the CoAP class it maps to and a diagnostic that names the record and the
 * reason. The diagnostic goes back to the device, so it never contains anything but what the device itself sent.
 */
public final class BadInput extends Exception {
  /** What kind of refusal; the CoAP edge maps it to 4.00, 4.13, 4.15, 4.01 or 4.03. */
  public enum Kind { BAD_REQUEST, TOO_LARGE, UNSUPPORTED_FORMAT, UNAUTHORIZED, FORBIDDEN, NOT_FOUND }

  private final Kind kind;
  private final String reason;

  public BadInput(Kind kind, String reason, String diagnostic) {
    super(diagnostic, null, false, false);
    this.kind = kind;
    this.reason = reason;
  }

  public static BadInput bad(String reason, String diagnostic) {
    return new BadInput(Kind.BAD_REQUEST, reason, diagnostic);
  }

  public Kind kind() {
    return kind;
  }

  /** A short label for metrics: {@code unit}, {@code not_finite}, {@code syntax}... */
  public String reason() {
    return reason;
  }

  public String diagnostic() {
    return getMessage();
  }
}
