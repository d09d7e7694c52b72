import Foundation
import GRDB

/// `role_key_records`: one root-signed record per (centre-wide role key, epoch).
struct RoleKeyRecordRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "role_key_records"
    var key: String
    var epoch: Int64
    var body: Data
    var signature: Data
}

/// `role_key_wraps`: the seed of (key, epoch) sealed to one holder (a member id, or `:root`).
struct SeedWrapRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "role_key_wraps"
    var key: String
    var epoch: Int64
    var holder: String
    var sealed: Data
}

extension StoreTransaction {
    /// Every record of every role key, by key then epoch; unverified.
    func roleKeyRecords() throws -> [StoredRoleKeyRecord] {
        try RoleKeyRecordRow.order(Column("key"), Column("epoch")).fetchAll(db).map { r throws(VaultError) in
            StoredRoleKeyRecord(keyName: r.key, epoch: try StoredValue.unsigned(r.epoch, "role key epoch"),
                                body: [UInt8](r.body), signature: [UInt8](r.signature))
        }
    }

    func insertRoleKeyRecord(key: String, epoch: UInt64, body: [UInt8], signature: [UInt8]) throws {
        try RoleKeyRecordRow(key: key, epoch: try StoredValue.signed(epoch, "role key epoch"), body: Data(body), signature: Data(signature)).insert(db)
    }

    /// The wraps addressed to `holder`, every key and epoch.
    func seedWraps(holder: String) throws -> [StoredSeedWrap] {
        try SeedWrapRow.filter(Column("holder") == holder).order(Column("key"), Column("epoch")).fetchAll(db).map { r throws(VaultError) in
            StoredSeedWrap(keyName: r.key, epoch: try StoredValue.unsigned(r.epoch, "role key epoch"), holder: r.holder, sealed: [UInt8](r.sealed))
        }
    }

    /// Adds a wrap; replaces one the same holder already has for that epoch (a re-grant).
    func insertSeedWrap(key: String, epoch: UInt64, holder: String, sealed: [UInt8]) throws {
        try SeedWrapRow(key: key, epoch: try StoredValue.signed(epoch, "role key epoch"), holder: holder, sealed: Data(sealed))
            .insert(db, onConflict: .replace)
    }
}

extension VaultSchema {
    static func registerRoleKeys(_ m: inout DatabaseMigrator) {
        m.registerMigration("v4-role-keys") { db in
            try db.execute(sql: """
                CREATE TABLE role_key_records (
                    key TEXT NOT NULL, epoch INTEGER NOT NULL, body BLOB NOT NULL, signature BLOB NOT NULL,
                    PRIMARY KEY (key, epoch)) STRICT;
                CREATE TABLE role_key_wraps (
                    key TEXT NOT NULL, epoch INTEGER NOT NULL, holder TEXT NOT NULL, sealed BLOB NOT NULL,
                    PRIMARY KEY (key, epoch, holder), FOREIGN KEY (key, epoch) REFERENCES role_key_records(key, epoch)) STRICT;
                """)
        }
    }
}

extension StoreTransaction {
    func seedWrapHolders(key: String, epoch: UInt64) throws -> Set<String> {
        let e = try StoredValue.signed(epoch, "role key epoch")
        return Set(try String.fetchAll(db, SeedWrapRow.select(Column("holder"), as: String.self).filter(Column("key") == key && Column("epoch") == e)))
    }

    func seedWrap(key: String, epoch: UInt64, holder: String) throws -> [UInt8]? {
        let e = try StoredValue.signed(epoch, "role key epoch")
        return try SeedWrapRow.filter(Column("key") == key && Column("epoch") == e && Column("holder") == holder).fetchOne(db).map { [UInt8]($0.sealed) }
    }
}
