import Foundation
import GRDB

/// `case_grants`: one class key sealed to one more recipient, signed by the granter (docs/FORMAT.md, "Grants").
struct CaseGrantRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "case_grants"
    enum CodingKeys: String, CodingKey, ColumnExpression {
        case caseID = "case_id", generation, index = "class", recipient, format, sealed, granter, basis, created, signature
    }
    var caseID: Data
    var generation: Int64
    var index: Int64
    var recipient: String
    var format: Int64
    var sealed: Data
    var granter: String
    var basis: String
    var created: Int64
    var signature: Data

    /// A row of an unknown format is refused: its signed text would be read by the wrong rules.
    func grant() throws(VaultError) -> CaseGrant {
        guard format == Int64(CaseGrant.formatVersion) else { throw .format("a case grant has format \(format), which this CaseVault does not support") }
        guard let index = UInt32(exactly: index) else { throw .format("a case grant names an out-of-range class (\(index))") }
        return CaseGrant(caseID: CaseID(unchecked: [UInt8](caseID)),
                         key: .init(generation: try StoredValue.unsigned(generation, "a case grant's generation"), index: index),
                         recipient: recipient, sealedKey: [UInt8](sealed), granter: granter, basis: basis,
                         created: Timestamp(seconds: created), signature: [UInt8](signature))
    }
}

/// `pending_grants`: a hint that `member` still lacks keys in a case, for the next reader's client.
struct PendingGrantRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "pending_grants"
    enum CodingKeys: String, CodingKey, ColumnExpression { case caseID = "case_id", member }
    var caseID: Data
    var member: String
}

extension StoreTransaction {
    /// Every grant row of a case, in key order; a row that cannot be read (unknown format, out
    /// of range) is refused on its own, with one line, instead of failing the case.
    func caseGrants(_ caseID: CaseID) throws -> (grants: [CaseGrant], unreadable: [String]) {
        var grants: [CaseGrant] = [], unreadable: [String] = []
        let sql = "SELECT * FROM case_grants WHERE case_id = ? ORDER BY generation, class, recipient"
        for r in try CaseGrantRecord.fetchAll(try db.cachedStatement(sql: sql), arguments: [Data(caseID.bytes)]) {
            do throws(VaultError) { grants.append(try r.grant()) } catch { unreadable.append("grant to \(r.recipient) by \(r.granter): \(error.message)") }
        }
        return (grants, unreadable)
    }

    /// Stores a grant, replacing any row for the same class and recipient (which the writer
    /// found unusable: a valid one is never replaced).
    func saveCaseGrant(_ g: CaseGrant) throws {
        try CaseGrantRecord(caseID: Data(g.caseID.bytes), generation: try StoredValue.signed(g.key.generation, "a grant's generation"),
                            index: Int64(g.key.index), recipient: g.recipient, format: Int64(CaseGrant.formatVersion),
                            sealed: Data(g.sealedKey), granter: g.granter, basis: g.basis, created: g.created.seconds,
                            signature: Data(g.signature)).save(db)
    }

    /// The pending-grant hints: (case, member) pairs, in order.
    func pendingGrantHints() throws -> [(caseID: CaseID, member: String)] {
        try PendingGrantRecord.order(PendingGrantRecord.CodingKeys.caseID, PendingGrantRecord.CodingKeys.member).fetchAll(db)
            .map { (CaseID(unchecked: [UInt8]($0.caseID)), $0.member) }
    }

    func addPendingGrantHint(_ caseID: CaseID, member: String) throws {
        try PendingGrantRecord(caseID: Data(caseID.bytes), member: member).insert(db, onConflict: .ignore)
    }

    func removePendingGrantHint(_ caseID: CaseID, member: String) throws {
        _ = try PendingGrantRecord.deleteOne(db, key: ["case_id": Data(caseID.bytes), "member": member])
    }
}
