import Foundation

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

    /// A full case id, or a unique prefix of one, in either case, or the alias of a case. A
    /// prefix is matched only among the cases this member reaches, so its answer never tells
    /// them that another case exists. A full id is returned as given: the operation itself
    /// decides "not found" and logs it.
    public func resolveCaseID(_ text: String) throws(VaultError) -> CaseID {
        let hex = text.lowercased()
        let isHex = hex.utf8.allSatisfy { Self.isHexDigit($0) }
        if hex.utf8.count == 20, isHex { return try CaseID(hex) }
        if hex.utf8.count >= Self.minimumCaseIDPrefix, hex.utf8.count < 20, isHex {
            let matches = try reachableCaseIDs().filter { $0.hex.hasPrefix(hex) }
            guard matches.count <= 1 else { throw .input("\(hex) matches \(matches.count) of your cases; give more digits") }
            if let only = matches.first { return only }
        }
        return try caseID(alias: text, orIfNone: isHex ? hex : nil)
    }

    /// The one case this member reaches whose alias they may read and which has this alias
    /// (any letter case). Reading the aliases is logged as `case list` logs it. When none has it,
    /// text of hex digits (`hexID`) is answered as the id it looks like.
    private func caseID(alias text: String, orIfNone hexID: String?) throws(VaultError) -> CaseID {
        let wanted = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !wanted.isEmpty, wanted.utf8.count <= 200 else {
            throw .input("invalid case id: expected 20 hex digits, a unique prefix of at least \(Self.minimumCaseIDPrefix), or a case's alias")
        }
        let matches = try listCases().filter {
            if case let .text(alias)? = $0.glance["person.alias"] { return alias.lowercased() == wanted }
            return false
        }
        guard matches.count <= 1 else { throw .input("\(matches.count) of your cases have that alias; give the case id (`casevault case list`)") }
        guard let only = matches.first else {
            guard let hexID else { throw .notFound("no case you reach has that alias (or you may not read its alias)") }
            guard (Self.minimumCaseIDPrefix..<20).contains(hexID.utf8.count) else {
                throw .input("invalid case id \"\(hexID.prefix(40))\": expected 20 hex digits, a unique prefix of at least \(Self.minimumCaseIDPrefix), or a case's alias")
            }
            throw .notFound("no case you reach starts with \(hexID)")
        }
        return only.caseID
    }

    private static func isHexDigit(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) }
}
