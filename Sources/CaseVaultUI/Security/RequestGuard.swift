/// The checks every request passes before it reaches a screen, kept free of the web framework
/// so they are tested as plain values. A browser on the same machine is the attacker's tool:
/// a page from elsewhere can make it send requests here (CSRF), and a hostile DNS name can be
/// pointed at 127.0.0.1 (DNS rebinding). Both are refused here.
public struct RequestGuard: Sendable {
    /// The only Host header values accepted: `127.0.0.1:PORT` and `localhost:PORT`, exactly.
    public let allowedHosts: Set<String>
    /// The only Origin a state change may come from.
    public let allowedOrigins: Set<String>

    public init(port: Int) {
        allowedHosts = ["127.0.0.1:\(port)", "localhost:\(port)"]
        allowedOrigins = Set(allowedHosts.map { "http://\($0)" })
    }

    /// Why a request is refused; the text is shown to the user in Norwegian and names no secret.
    public enum Refusal: Equatable, Sendable {
        case wrongHost
        case crossSite
        case missingCSRF
        case wrongCSRF

        public var status: Int { self == .wrongHost ? 421 : 403 }

        public var norwegianText: String {
            switch self {
            case .wrongHost: return "Avvist: ukjent vertsnavn. Åpne skjermbildet med lenken casevault ui skrev ut."
            case .crossSite: return "Avvist: forespørselen kom fra en annen nettside."
            case .missingCSRF: return "Avvist: skjemaet mangler sikkerhetskode. Last siden på nytt og prøv igjen."
            case .wrongCSRF: return "Avvist: skjemaets sikkerhetskode stemmer ikke. Last siden på nytt og prøv igjen."
            }
        }
    }

    /// Every request: the Host header must be one of ours, exactly (no other name, no other port).
    public func checkHost(_ host: String?) -> Refusal? {
        guard let host, allowedHosts.contains(host) else { return .wrongHost }
        return nil
    }

    /// A state change (POST): the browser must say it comes from our own origin. Chromium and
    /// Firefox send both headers on POST; a missing Origin is refused too, as no browser we
    /// support omits it on a form POST, and a non-browser client has no session cookie anyway.
    public func checkSameOrigin(origin: String?, fetchSite: String?) -> Refusal? {
        if let fetchSite, fetchSite != "same-origin" { return .crossSite }
        guard let origin, allowedOrigins.contains(origin) else { return .crossSite }
        return nil
    }

    /// Any request: a browser that says it was sent by another site (another port of 127.0.0.1
    /// is the same site, so its cookie goes along) is refused even for a GET, since opening a case
    /// is a logged read. `none` is a link typed, bookmarked or opened from the terminal.
    public func checkFetchSite(_ fetchSite: String?) -> Refusal? {
        guard let fetchSite else { return nil }
        return fetchSite == "same-origin" || fetchSite == "none" ? nil : .crossSite
    }

    /// A state change (POST): the form's CSRF field must equal the session's token.
    public func checkCSRF(submitted: String?, expected: UIToken) -> Refusal? {
        guard let submitted, !submitted.isEmpty else { return .missingCSRF }
        guard let token = UIToken(text: submitted), token.matches(expected) else { return .wrongCSRF }
        return nil
    }
}
