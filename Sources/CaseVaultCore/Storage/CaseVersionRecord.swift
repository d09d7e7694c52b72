import Foundation
import GRDB

/// `case_versions`: each signed version of each case (ciphertext and signatures only).
struct CaseVersionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "case_versions"
    enum CodingKeys: String, CodingKey, ColumnExpression { case caseID = "case_id", version, body, signature }
    var caseID: Data
    var version: Int64
    var body: Data
    var signature: Data

    func stored() throws(VaultError) -> StoredVersion {
        StoredVersion(version: try StoredValue.unsigned(version, "a stored case version number"), body: [UInt8](body), signature: [UInt8](signature))
    }
}

extension StoreTransaction {
    /// Every case id with at least one version, in byte order.
    func caseIDs() throws -> [CaseID] {
        try Data.fetchAll(db, CaseVersionRecord.select(CaseVersionRecord.CodingKeys.caseID, as: Data.self).distinct()
            .order(CaseVersionRecord.CodingKeys.caseID)).map { CaseID(unchecked: [UInt8]($0)) }
    }

    /// The bodies of a case's versions, unverified and in no particular order.
    func caseBodies(_ caseID: CaseID) throws -> [[UInt8]] {
        // Cached statements: a listing runs these per case.
        try Data.fetchAll(try db.cachedStatement(sql: "SELECT body FROM case_versions WHERE case_id = ?"),
                          arguments: [Data(caseID.bytes)]).map { [UInt8]($0) }
    }

    /// A case's versions, oldest first; empty when there is no such case.
    func caseVersions(_ caseID: CaseID) throws -> [StoredVersion] {
        try CaseVersionRecord.fetchAll(try db.cachedStatement(sql: "SELECT * FROM case_versions WHERE case_id = ? ORDER BY version"),
                                       arguments: [Data(caseID.bytes)]).map { r throws(VaultError) in try r.stored() }
    }

    func caseVersion(_ caseID: CaseID, version: UInt64) throws -> StoredVersion? {
        let v = try StoredValue.signed(version, "case version")
        return try CaseVersionRecord.filter(CaseVersionRecord.CodingKeys.caseID == Data(caseID.bytes) && CaseVersionRecord.CodingKeys.version == v)
            .fetchOne(db)?.stored()
    }

    func insertCaseVersion(_ caseID: CaseID, version: UInt64, body: [UInt8], signature: [UInt8]) throws {
        try CaseVersionRecord(caseID: Data(caseID.bytes), version: try StoredValue.signed(version, "case version"),
                              body: Data(body), signature: Data(signature)).insert(db)
        versions.noteStored(caseID, version: version)
    }
}
