import TransparencyLog

/// How far the newest witness cosignature lags behind the log: how old it is and how many
/// entries came after it. Entries after the newest cosignature can be cut by whoever writes the
/// database without any check failing (a read followed by a cut looks like a log that ended
/// earlier); only a fresher cosignature, such as a server's witnesses, narrows that window.
public struct WitnessFreshness: Sendable, Equatable {
    public var witness: String?
    /// The log size the newest cosignature covers.
    public var size: UInt64
    public var timestamp: Timestamp?
    /// The log's size now.
    public var entries: UInt64

    public var entriesAfter: UInt64 { entries > size ? entries - size : 0 }

    public func line(now: Timestamp) -> String {
        guard let witness, let timestamp else {
            return "Witness freshness: no cosignature; nothing outside this log vouches for its end, so a cut anywhere would not show"
        }
        let after = entriesAfter
        return "Witness freshness: newest cosignature by \(witness) on size \(size) at \(timestamp), \(Self.age(now.seconds - timestamp.seconds)) old; "
            + "\(after) entr\(after == 1 ? "y" : "ies") after it could be cut unseen"
    }

    static func age(_ seconds: Int64) -> String {
        let s = max(0, seconds)
        if s < 120 { return "\(s) s" }
        if s < 2 * 3600 { return "\(s / 60) min" }
        if s < 2 * 86_400 { return "\(s / 3600) h" }
        return "\(s / 86_400) days"
    }
}

extension AuditReport {
    /// The newest of the cosignatures checked.
    public var witnessFreshness: WitnessFreshness {
        let newest = cosignatures.max { ($0.size, $0.timestamp) < ($1.size, $1.timestamp) }
        return WitnessFreshness(witness: newest?.witness, size: newest?.size ?? 0,
                                timestamp: newest.map { Timestamp(seconds: Int64(clamping: $0.timestamp)) }, entries: UInt64(entryCount))
    }
}

extension Vault {
    /// The newest cosignature stored in the vault that verifies by a member's witness key.
    public func witnessFreshness() throws(VaultError) -> WitnessFreshness {
        try read { db in
            let members = try loadState(db).roster.members.filter { $0.kind == .member }
            let witnesses = members.compactMap { try? CosignatureVerifier(name: LogNames.witnessKeyName(member: $0.id), publicKey: $0.identity.signingKey) }
            var newest = WitnessFreshness(witness: nil, size: 0, timestamp: nil, entries: UInt64(try db.logEntryCount()))
            for (size, bytes) in try db.allCosignatures() {
                guard let note = try? SignedNote.parse(bytes), let found = try? note.cosignatures(by: witnesses) else { continue }
                for c in found {
                    let at = Timestamp(seconds: Int64(clamping: c.timestamp))
                    if newest.timestamp == nil || (size, at.seconds) > (newest.size, newest.timestamp!.seconds) {
                        newest.witness = c.cosigner.name
                        newest.size = size
                        newest.timestamp = at
                    }
                }
            }
            return newest
        }
    }
}
