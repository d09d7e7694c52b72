extension Session {
    /// The shortest prefix accepted: shorter ones would match by accident.
    public static let minimumCaseIDPrefix = 4

    /// The ids of the cases this member reaches, read from version metadata only: nothing is
    /// decrypted and nothing is logged, so shell completion can ask for them.
    public func reachableCaseIDs() throws(VaultError) -> [CaseID] {
        try vault.read { db in
            let state = try currentState(db)
            return try db.caseIDs().filter { try reaches($0, state: state, db: db) }
        }
    }

    /// A full case id, or a unique prefix of one, in either case. A prefix is matched only among
    /// the cases this member reaches, so its answer never tells them that another case exists.
    /// A full id is returned as given: the operation itself decides "not found" and logs it.
    public func resolveCaseID(_ text: String) throws(VaultError) -> CaseID {
        let hex = text.lowercased()
        if hex.utf8.count == 20 { return try CaseID(hex) }
        guard hex.utf8.count >= Self.minimumCaseIDPrefix, hex.utf8.count < 20, hex.utf8.allSatisfy({ Self.isHexDigit($0) }) else {
            throw .input("invalid case id \"\(text.prefix(40))\": expected 20 hex digits, or a unique prefix of at least \(Self.minimumCaseIDPrefix)")
        }
        let matches = try reachableCaseIDs().filter { $0.hex.hasPrefix(hex) }
        guard let first = matches.first else { throw .notFound("no case you reach starts with \(hex)") }
        guard matches.count == 1 else { throw .input("\(hex) matches \(matches.count) of your cases; give more digits") }
        return first
    }

    private static func isHexDigit(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) }
}
