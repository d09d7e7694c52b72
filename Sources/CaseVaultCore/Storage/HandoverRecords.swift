import Foundation
import GRDB

/// `handover_disclosures`: ids and hashes of each bundle sent (its manifest lives sealed in the case).
struct HandoverDisclosureRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "handover_disclosures"
    enum CodingKeys: String, CodingKey { case bundleID = "bundle_id", caseID = "case_id", recipient, manifestHash = "manifest_hash", created }
    var bundleID: String
    var caseID: Data
    var recipient: String
    var manifestHash: Data
    var created: Int64
}

/// `handover_receipts`: a recipient's signed receipt for a bundle, once confirmed.
struct HandoverReceiptRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "handover_receipts"
    enum CodingKeys: String, CodingKey { case bundleID = "bundle_id", receipt, confirmed }
    var bundleID: String
    var receipt: String
    var confirmed: Int64
}

/// A disclosure as the receipt check needs it.
struct StoredDisclosure { let caseID: CaseID; let recipient: String; let manifestHash: [UInt8] }

extension StoreTransaction {
    func insertDisclosure(bundleID: String, caseID: CaseID, recipient: String, manifestHash: [UInt8], created: Timestamp) throws {
        try HandoverDisclosureRecord(bundleID: bundleID, caseID: Data(caseID.bytes), recipient: recipient,
                                     manifestHash: Data(manifestHash), created: created.seconds).insert(db)
    }

    func disclosure(bundleID: String) throws -> StoredDisclosure? {
        try HandoverDisclosureRecord.fetchOne(db, key: bundleID).map {
            StoredDisclosure(caseID: CaseID(unchecked: [UInt8]($0.caseID)), recipient: $0.recipient, manifestHash: [UInt8]($0.manifestHash))
        }
    }

    func hasReceipt(bundleID: String) throws -> Bool {
        try HandoverReceiptRecord.exists(db, key: bundleID)
    }

    func insertReceipt(bundleID: String, text: String, confirmed: Timestamp) throws {
        try HandoverReceiptRecord(bundleID: bundleID, receipt: text, confirmed: confirmed.seconds).insert(db)
    }
}
