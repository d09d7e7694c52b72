import SodiumKit
import TransparencyLog

/// What a shared-vault server knows of one vault before a push: enough to check the next one.
public struct VaultHead: Sendable, Equatable {
    public var logSize: UInt64
    public var lastTime: Timestamp?
    /// The newest roster's file text (signed by the centre root), the one that judges the next entry.
    public var rosterText: String?
    public var policySerial: UInt64?

    public init(logSize: UInt64 = 0, lastTime: Timestamp? = nil, rosterText: String? = nil, policySerial: UInt64? = nil) {
        self.logSize = logSize
        self.lastTime = lastTime
        self.rosterText = rosterText
        self.policySerial = policySerial
    }
}

/// The server's check of a push, with the rules every client applies when it follows the log
/// (docs/FORMAT.md, "What the server checks"): the new entries continue the log exactly at its
/// head; each is signed by an active member on the roster in force at its position (or is a
/// refused attempt by `unknown`); every roster, policy and case version the push adds is named,
/// by number and hash, by one of its entries, and serials only go forward; nothing append-only
/// is changed or deleted. The server still reads nothing: rights over fields are the clients'
/// to enforce, as they cannot be checked without the case keys.
public enum PushCheck {
    /// How far an entry's time may be from the server's clock (seconds): the sequencer's time.
    public static let defaultMaxSkew: Int64 = 300

    /// The key under which `stored` holds a row.
    public static func storedKey(_ table: String, _ keyText: String) -> String { table + "\0" + keyText }

    /// Checks `rows` against `head` and the rows `stored` under the same keys; returns the head after the push.
    /// `now` is nil for the first push of an existing vault, whose history is older than any skew.
    public static func check(_ rows: [SyncRow], stored: [String: SyncRow], head: VaultHead, vaultID: VaultID, rootKey: SigningPublicKey,
                             now: Timestamp?, maxSkew: Int64 = defaultMaxSkew) throws(VaultError) -> VaultHead {
        var fresh: [SyncRow] = []
        for row in rows {
            try SyncTables.check(row)
            let t = SyncTables.table(row.table)!
            let before = stored[storedKey(row.table, row.keyText)]
            if before == row { continue }
            if t.appendOnly, before != nil || row.values == nil {
                throw .refused("\(t.name) row \(row.keyText.replacingOccurrences(of: "\n", with: " ")) is append-only and cannot be changed or deleted")
            }
            if row.table == "meta", let k = row.key.first?.text, ["vault_id", "root_key", "centre", "test_vault", "created"].contains(k), before != nil {
                throw .refused("the vault's \(k) cannot change")
            }
            fresh.append(row)
        }
        var next = head
        let entries = fresh.filter { $0.table == "log_entries" }.sorted { ($0.key.first?.integer ?? 0) < ($1.key.first?.integer ?? 0) }
        let byTable = Dictionary(grouping: fresh, by: \.table)
        var rosterInForce = try head.rosterText.map { t throws(VaultError) in try RosterCache.verified(t, trustedRoot: rootKey) }
        var namedRosters: Set<UInt64> = [], namedPolicies: Set<UInt64> = [], namedVersions: Set<String> = []
        for row in entries {
            guard let bytes = row.value("entry")?.blob, let leaf = row.value("leaf_hash")?.blob, leaf == Merkle.leafHash(bytes) else {
                throw .refused("a pushed log entry's leaf hash does not match it")
            }
            let entry = try LogEntry.parse(bytes)
            guard entry.vaultID == vaultID else { throw .refused("log entry \(entry.index) belongs to another vault") }
            guard entry.index == next.logSize else {
                throw .refused("the vault's log is at \(next.logSize) entries, the push continues it at \(entry.index): pull and retry")
            }
            if let last = next.lastTime, entry.time < last { throw .refused("log entry \(entry.index) is dated before the entry it follows") }
            if let now, abs(entry.time.seconds - now.seconds) > maxSkew {
                throw .refused("log entry \(entry.index) is dated \(entry.time.rfc3339), the server's clock says \(now.rfc3339): set this workstation's clock before writing")
            }
            do { try entry.verifySignature() } catch { throw .refused("log entry \(entry.index)'s signature does not verify") }
            let action = LogAction(rawValue: entry.action)
            // The first entry is judged by the roster it installs; every other by the roster in force.
            if entry.index == 0, action == .vaultInit { rosterInForce = try pushedRoster(serial: 1, byTable, rootKey: rootKey, vaultID: vaultID) }
            if entry.actor != LogEntry.unknownActor {
                guard let roster = rosterInForce?.roster, let member = roster.entry(entry.actor), member.kind == .member, !member.isRevoked,
                      member.identity.signingKey == entry.signer else {
                    throw .denied("log entry \(entry.index) is not signed by an active member of the roster in force")
                }
            }
            guard let action else { continue }
            if action.installsRoster {
                let (serial, hash) = try named(entry, LogDetail.rosterSerial, LogDetail.rosterHash)
                let roster = try pushedRoster(serial: serial, byTable, rootKey: rootKey, vaultID: vaultID)
                guard StateHashes.roster(roster.fileText) == hash else { throw .refused("roster \(serial) is not the one log entry \(entry.index) names") }
                if action != .vaultInit, let current = rosterInForce?.roster.serial, serial != current + 1 {
                    throw .refused("log entry \(entry.index) installs roster \(serial) while roster \(current) is in force")
                }
                rosterInForce = roster
                next.rosterText = roster.fileText
                namedRosters.insert(serial)
            }
            if action.installsPolicy {
                let (serial, hash) = try named(entry, LogDetail.policySerial, LogDetail.policyHash)
                if let current = next.policySerial, serial <= current { throw .refused("log entry \(entry.index) installs policy \(serial) after policy \(current)") }
                guard let p = byTable["policies"]?.first(where: { $0.key.first?.integer == Int64(exactly: serial) }),
                      let text = p.value("text")?.blob, let sig = p.value("signature")?.blob,
                      StateHashes.policy(bytes: text, signature: sig) == hash else { throw .refused("policy \(serial) named by log entry \(entry.index) is not in the push") }
                try PolicySigning.verify(text, signature: sig, vault: vaultID, root: rootKey)
                next.policySerial = serial
                namedPolicies.insert(serial)
            }
            if action.writesVersion, let c = entry.caseID, entry.detailValue(LogDetail.hash) != nil {
                let (version, hash) = try named(entry, LogDetail.version, LogDetail.hash)
                guard let v = byTable["case_versions"]?.first(where: { $0.key == [.blob(c.bytes), .integer(Int64(clamping: version))] }),
                      let body = v.value("body")?.blob, let sig = v.value("signature")?.blob else {
                    throw .refused("case version \(version) named by log entry \(entry.index) is not in the push")
                }
                guard StateHashes.version(body: body, signature: sig) == hash else {
                    throw .refused("case version \(version) is not the one log entry \(entry.index) names")
                }
                namedVersions.insert(v.keyText)
            }
            next.logSize += 1
            next.lastTime = entry.time
        }
        func serial(_ r: SyncRow) -> UInt64? { r.key.first?.integer.flatMap { UInt64(exactly: $0) } }
        for r in byTable["rosters"] ?? [] where !(serial(r).map(namedRosters.contains) ?? false) {
            throw .refused("roster \(r.keyText) is pushed without the log entry that installs it")
        }
        for r in byTable["policies"] ?? [] where !(serial(r).map(namedPolicies.contains) ?? false) {
            throw .refused("policy \(r.keyText) is pushed without the log entry that installs it")
        }
        for r in byTable["case_versions"] ?? [] where !namedVersions.contains(r.keyText) {
            throw .refused("a case version is pushed without the log entry that names it")
        }
        return next
    }

    /// The roster file text a member authenticates against: the active member `id`'s or recipient's entry.
    public static func rosterEntry(_ id: String, rosterText: String, rootKey: SigningPublicKey) throws(VaultError) -> RosterEntry {
        let roster = try RosterCache.verified(rosterText, trustedRoot: rootKey).roster
        guard let entry = roster.entry(id), !entry.isRevoked else { throw .denied("\(id) is not an active member or recipient of this vault") }
        return entry
    }

    /// A first roster as a vault's registration: its vault id and the root key that signed it.
    public static func registration(rosterText: String, rootKey: SigningPublicKey) throws(VaultError) -> VaultID {
        let signed = try RosterCache.verified(rosterText, trustedRoot: rootKey)
        guard signed.roster.serial == 1 else { throw .refused("a vault is registered with its first roster") }
        return signed.roster.vaultID
    }

    private static func pushedRoster(serial: UInt64, _ byTable: [String: [SyncRow]], rootKey: SigningPublicKey, vaultID: VaultID) throws(VaultError) -> SignedRoster {
        guard let row = byTable["rosters"]?.first(where: { $0.key.first?.integer == Int64(exactly: serial) }), let text = row.value("text")?.text else {
            throw .refused("roster \(serial) is named by the push but not in it")
        }
        let signed = try RosterCache.verified(text, trustedRoot: rootKey)
        guard signed.roster.serial == serial, signed.roster.vaultID == vaultID else { throw .refused("roster \(serial) is out of place") }
        return signed
    }

    private static func named(_ entry: LogEntry, _ numberKey: String, _ hashKey: String) throws(VaultError) -> (UInt64, [UInt8]) {
        guard let text = entry.detailValue(numberKey), let n = UInt64(text), String(n) == text,
              let hex = entry.detailValue(hashKey), let h = Hex.decode(hex), h.count == 32 else {
            throw .refused("log entry \(entry.index) (\(entry.action)) does not name its \(numberKey) and \(hashKey)")
        }
        return (n, h)
    }
}
