import AccessPolicy

/// Who may break glass, for how long, and why. Fixed here until the policy file carries a
/// break-glass section: leaders break glass; a leader or the auditor other than the breaker
/// and the approver reviews; every class is sealed to the break-glass key, and only the fields
/// a request names are released and shown.
public enum BreakGlassRules {
    public static let reasonCodes = ["life-danger", "child-safety", "medical-emergency", "police-emergency"]
    public static let maxMinutes = 240

    static func mayBreakGlass(_ m: RosterEntry) -> Bool { m.holds(.breakGlass) }
    static func mayReview(_ m: RosterEntry) -> Bool { m.holds(.reviewBreakGlass) }

    /// The X25519 key the centre root opens the outer layer of break-glass wraps with.
    static let rootBoxDomain = "casevault/v2/root-box\0"
}

/// How a break-glass request is opened: by a second member who already reads the fields, or by
/// the breaker alone with the root key file and a written reason.
public enum BreakGlassMode: String, Sendable { case approved, alone }

/// What `breakglass show` hands back: only the requested fields, until `expires`.
public struct BreakGlassView: Sendable {
    public let request: String
    public let opened: OpenedCase
    public let expires: Timestamp
}
