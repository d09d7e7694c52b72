extension Fingerprint {
    /// Whether two spellings name the same fingerprint: compared without spaces or case, since
    /// people paste fingerprints in groups or read them out. The one comparison the core uses.
    static func matches(_ given: String, _ expected: String) -> Bool {
        normalised(given) == normalised(expected)
    }

    static func normalised(_ fingerprint: String) -> String {
        String(fingerprint.lowercased().filter { !$0.isWhitespace })
    }
}

extension PublicIdentity {
    /// Whether `given` (as its owner read it out) is this identity's fingerprint.
    public func hasFingerprint(_ given: String) -> Bool { Fingerprint.matches(given, fingerprint) }
}
