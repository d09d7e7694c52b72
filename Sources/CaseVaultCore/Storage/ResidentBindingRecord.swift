import Foundation
import GRDB
import SodiumKit

/// `resident_bindings`: a resident's public identity bound to one case under a pseudonym, with
/// the binding contact person's signature. Readers verify every row before relying on it.
struct ResidentBindingRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "resident_bindings"
    static let currentFormat: Int64 = 1
    enum CodingKeys: String, CodingKey {
        case pseudonym, format, caseID = "case_id", boxKey = "box_key", signKey = "sign_key", binder, boundAt = "bound_at",
             signature, unboundAt = "unbound_at"
    }
    var pseudonym: String
    var format: Int64
    var caseID: Data
    var boxKey: Data
    var signKey: Data
    var binder: String
    var boundAt: Int64
    var signature: Data
    var unboundAt: Int64?
}

extension StoreTransaction {
    func insertResidentBinding(_ b: ResidentBinding) throws {
        try ResidentBindingRecord(pseudonym: b.pseudonym, format: ResidentBindingRecord.currentFormat, caseID: Data(b.caseID.bytes),
                                  boxKey: Data(b.identity.boxKey.bytes), signKey: Data(b.identity.signingKey.bytes), binder: b.binder,
                                  boundAt: try StoredValue.signed(b.boundAt, "binding version"), signature: Data(b.signature), unboundAt: nil).insert(db)
    }

    func residentBinding(_ pseudonym: String, vault: VaultID) throws -> ResidentBinding? {
        try ResidentBindingRecord.fetchOne(db, key: pseudonym).map { try $0.binding(vault: vault) }
    }

    /// The binding of a public signing key, if any (a key is bound at most once).
    func residentBinding(signingKey: SigningPublicKey, vault: VaultID) throws -> ResidentBinding? {
        try ResidentBindingRecord.filter(Column("sign_key") == Data(signingKey.bytes)).fetchOne(db).map { try $0.binding(vault: vault) }
    }

    func residentBindings(caseID: CaseID, vault: VaultID) throws -> [ResidentBinding] {
        try ResidentBindingRecord.fetchAll(try db.cachedStatement(sql: "SELECT * FROM resident_bindings WHERE case_id = ? ORDER BY pseudonym"),
                                           arguments: [Data(caseID.bytes)]).map { try $0.binding(vault: vault) }
    }

    func allResidentBindings(vault: VaultID) throws -> [ResidentBinding] {
        try ResidentBindingRecord.order(Column("pseudonym")).fetchAll(db).map { try $0.binding(vault: vault) }
    }

    func markResidentUnbound(_ pseudonym: String, at version: UInt64) throws {
        try db.execute(sql: "UPDATE resident_bindings SET unbound_at = ? WHERE pseudonym = ?",
                       arguments: [try StoredValue.signed(version, "binding version"), pseudonym])
    }
}

extension ResidentBindingRecord {
    func binding(vault: VaultID) throws(VaultError) -> ResidentBinding {
        guard format == Self.currentFormat else { throw .format("resident key binding format \(format) is not supported") }
        guard let box = try? BoxPublicKey(bytes: [UInt8](boxKey)), let sign = try? SigningPublicKey(bytes: [UInt8](signKey)), caseID.count == 10 else {
            throw .format("a resident key binding is malformed")
        }
        var b = ResidentBinding(vaultID: vault, caseID: CaseID(unchecked: [UInt8](caseID)), pseudonym: pseudonym,
                                identity: PublicIdentity(boxKey: box, signingKey: sign), binder: binder,
                                boundAt: try StoredValue.unsigned(boundAt, "binding version"))
        b.signature = [UInt8](signature)
        b.unboundAt = try unboundAt.map { v throws(VaultError) in try StoredValue.unsigned(v, "binding version") }
        return b
    }
}
