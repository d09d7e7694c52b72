import Foundation
import GRDB

/// `meta`: the vault's identity (format, id, centre, root key, test flag) and the log's last time.
struct MetaRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "meta"
    static let logLastTimeKey = "log_last_time"
    var key: String
    var value: String
}

/// `rosters`: every signed roster, by serial.
struct RosterRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "rosters"
    var serial: Int64
    var text: String
}

/// `policies`: every installed policy file with the centre root's signature, by serial.
struct PolicyRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "policies"
    var serial: Int64
    var text: Data
    var signature: Data
}

/// A stored roster or policy with its serial checked.
struct StoredRoster { let serial: UInt64; let text: String }
struct StoredPolicy { let serial: UInt64; let bytes: [UInt8]; let signature: [UInt8] }

extension StoreTransaction {
    func meta() throws -> [String: String] {
        var out: [String: String] = [:]
        for r in try MetaRecord.fetchAll(db) { out[r.key] = r.value }
        return out
    }

    func metaValue(_ key: String) throws -> String? { try MetaRecord.fetchOne(db, key: key)?.value }

    func setMetaValue(_ key: String, _ value: String) throws {
        try MetaRecord(key: key, value: value).insert(db, onConflict: .replace)
    }

    func insertMeta(_ pairs: [(String, String)]) throws {
        for (k, v) in pairs { try MetaRecord(key: k, value: v).insert(db) }
    }

    /// The time of the newest log entry, kept so time never runs backwards within the log.
    func logLastTime() throws -> Timestamp? {
        guard let r = try MetaRecord.fetchOne(db, key: MetaRecord.logLastTimeKey) else { return nil }
        guard let s = Int64(r.value) else { throw VaultError.format("the log's last time is damaged") }
        return Timestamp(seconds: s)
    }

    func setLogLastTime(_ time: Timestamp) throws {
        try MetaRecord(key: MetaRecord.logLastTimeKey, value: String(time.seconds)).insert(db, onConflict: .replace)
    }

    func rosters() throws -> [StoredRoster] {
        try RosterRecord.order(Column("serial")).fetchAll(db).map { r throws(VaultError) in
            StoredRoster(serial: try StoredValue.unsigned(r.serial, "roster serial"), text: r.text)
        }
    }

    func insertRoster(serial: UInt64, text: String) throws {
        try RosterRecord(serial: try StoredValue.signed(serial, "roster serial"), text: text).insert(db)
    }

    func policies() throws -> [StoredPolicy] {
        try PolicyRecord.order(Column("serial")).fetchAll(db).map { r throws(VaultError) in
            StoredPolicy(serial: try StoredValue.unsigned(r.serial, "policy serial"), bytes: [UInt8](r.text), signature: [UInt8](r.signature))
        }
    }

    func policySignature(serial: Int) throws -> [UInt8]? {
        try PolicyRecord.fetchOne(db, key: Int64(serial)).map { [UInt8]($0.signature) }
    }

    func insertPolicy(serial: Int, bytes: [UInt8], signature: [UInt8]) throws {
        try PolicyRecord(serial: Int64(serial), text: Data(bytes), signature: Data(signature)).insert(db)
    }
}
