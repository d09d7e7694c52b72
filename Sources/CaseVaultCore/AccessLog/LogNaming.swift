import SodiumKit

/// The detail keys by which an entry names a state change.
package enum LogDetail {
    static let version = "version"
    static let hash = "hash"
    static let rosterSerial = "roster-serial"
    static let rosterHash = "roster-hash"
    static let policySerial = "policy-serial"
    static let policyHash = "policy-hash"
    static let migration = "migration"
}

extension Vault {
    /// Adds the hash of every state change `action` names, computed from the row this
    /// transaction stored: the writer passes the number, the log records number and hash, so
    /// an action another part adds only opts in on `LogAction` and cannot forget the hash.
    func namingDetail(_ action: String, db: StoreTransaction, caseID: CaseID?, detail: [String: String]) throws -> [String: String] {
        guard let action = LogAction(rawValue: action) else { return detail }
        var d = detail
        if action.writesVersion {
            guard let caseID, let n = detail[LogDetail.version].flatMap(UInt64.init), let row = try db.caseVersion(caseID, version: n) else {
                throw VaultError.io("a \(action.rawValue) entry must name a version this transaction stored")
            }
            d[LogDetail.hash] = Hex.encode(StateHashes.version(body: row.body, signature: row.signature))
            db.versions.noteNamed(caseID, version: n)
        }
        if action.installsRoster {
            guard let s = detail[LogDetail.rosterSerial].flatMap(UInt64.init), let row = try db.rosters().first(where: { $0.serial == s }) else {
                throw VaultError.io("a \(action.rawValue) entry must name a roster this transaction stored")
            }
            d[LogDetail.rosterHash] = Hex.encode(StateHashes.roster(row.text))
        }
        if action.installsPolicy {
            guard let s = detail[LogDetail.policySerial].flatMap(UInt64.init), let row = try db.policies().first(where: { $0.serial == s }) else {
                throw VaultError.io("a \(action.rawValue) entry must name a policy this transaction stored")
            }
            d[LogDetail.policyHash] = Hex.encode(StateHashes.policy(bytes: row.bytes, signature: row.signature))
        }
        return d
    }
}
