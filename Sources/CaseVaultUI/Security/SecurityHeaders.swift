/// Headers on every response, pages and refusals alike.
public enum SecurityHeaders {
    /// No script at all, nothing from elsewhere, no framing; forms post only to this origin.
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// A case document opened in the browser: its viewer may show it (PDF viewer, image), but it
    /// runs no script of the document's, loads nothing else and cannot be framed.
    public static let documentPolicy =
        "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

    /// Every response also carries a Content-Security-Policy: `contentSecurityPolicy`, or for a
    /// case document `documentPolicy`.
    public static let all: [(name: String, value: String)] = [
        // Case content must never land in the browser's disk cache or back/forward cache.
        ("Cache-Control", "no-store"),
        ("Pragma", "no-cache"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        // Not "no-referrer": under it Chromium sends `Origin: null` on our own form posts, and
        // the Origin check needs the real one. Nothing leaves to other sites either way.
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
}
