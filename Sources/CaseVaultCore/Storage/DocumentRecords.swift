import Foundation
import GRDB

/// `case_documents`: each case document's ciphertext (docs/FORMAT.md, "Case documents"). The
/// key and digest live in the case's sealed `documents[].content`, so a row alone opens nothing,
/// and a row changed or swapped is caught by that digest.
struct CaseDocumentRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "case_documents"
    enum CodingKeys: String, CodingKey { case blobID = "blob_id", caseID = "case_id", content }
    var blobID: Data
    var caseID: Data
    var content: Data
}

extension VaultSchema {
    static func registerDocuments(_ m: inout DatabaseMigrator) {
        m.registerMigration("v7-case-documents") { db in
            // Ciphertext only, written in the same transaction as the case version naming it.
            try db.execute(sql: """
                CREATE TABLE case_documents (
                    blob_id BLOB PRIMARY KEY NOT NULL, case_id BLOB NOT NULL, content BLOB NOT NULL) STRICT;
                """)
        }
    }
}

extension StoreTransaction {
    func insertDocumentBlob(_ blobID: [UInt8], caseID: CaseID, content: [UInt8]) throws {
        try CaseDocumentRecord(blobID: Data(blobID), caseID: Data(caseID.bytes), content: Data(content)).insert(db)
    }

    /// The stored ciphertext, if the row is there and belongs to `caseID`.
    func documentBlob(_ blobID: [UInt8], caseID: CaseID) throws -> [UInt8]? {
        guard let r = try CaseDocumentRecord.fetchOne(db, key: Data(blobID)), r.caseID == Data(caseID.bytes) else { return nil }
        return [UInt8](r.content)
    }
}

extension Vault {
    /// How many document contents the vault stores: a shared vault does not carry them yet, so
    /// publishing a vault that holds any would leave them behind on one computer.
    public func storedDocumentCount() throws(VaultError) -> Int {
        try read { db in try CaseDocumentRecord.fetchCount(db.db) }
    }
}
